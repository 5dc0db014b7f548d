
baton.dev/v1Plan
broken-example"e
parallel:%

api-designProduct API design*30m:2

catalog-uiProduct catalog UI*-20m:
api-design