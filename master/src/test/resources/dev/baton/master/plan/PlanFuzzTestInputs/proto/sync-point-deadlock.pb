
baton.dev/v1Plan
broken-example"·
parallel:1

api-designProduct API design*30m:
catalog-ui:%

catalog-uiProduct catalog UI*20mBQ
API Contract Agreementfrontendbackend
api-design"
catalog-ui2api_contract