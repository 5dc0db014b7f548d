
baton.dev/v1Plan
cycle"f:
aProduct API design*10m:b:$
bOrder service endpoints*10m:c:
cCheckout page UI*10m:a