
baton.dev/v1Plan
helloHello world for Baton"
parallel:C
	hello-apiHello API endpoint designbackend*5mRapi/hello.yaml:a

hello-file Write hello.txt in the workspacedevops*1mR	hello.txtZecho hello > hello.txtb1m:Y

hello-pageHello page UI componentfrontend*5m:	hello-api:
hello-fileRweb/hello.tsx