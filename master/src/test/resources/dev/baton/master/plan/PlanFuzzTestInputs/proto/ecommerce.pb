
baton.dev/v1Plan.
ecommerce-platformFull E-commerce Platform"Õ"
hybrid_parallel_sequentialtightfailover"score*8h2•
$Online store for a mid-size retailerReactNext.jsNode.jsExpress
PostgreSQLRedisDocker
Kubernetes'REST over HTTPS, described by OpenAPI 3&JWT authentication with refresh tokensNPostgreSQL is the system of record; Redis caches catalog reads and holds carts)Stateless services deployed to Kubernetes"p99 < 300 ms on catalog reads"WCAG 2.1 AA",PCI DSS scope limited to the payment service:Ù

catalog-uiProduct catalog UIfrontend*30m2high:product-api-designBProduct listing with searchBfilters and paginationB"Server-side rendering with Next.jsRweb/pages/catalog.tsxRweb/components/ProductCard.tsx:ª
cart-uiShopping cart interfacefrontend*25m2high:
catalog-uiBAddBremove and update cart itemsBCart state survives reloadsRweb/pages/cart.tsxRweb/state/cart.ts:í
checkout-uiCheckout flowfrontend*30m2critical:cart-ui:payment-integrationBAddressBshipping and payment stepsBPayment errors shown inlineJ>card data never touches our servers (provider's hosted fields)Rweb/pages/checkout.tsx:…
account-dashboard-uiUser account dashboardfrontend*20m2mediumBOrder historyBProfile and address bookRweb/pages/account.tsx:´
admin-product-uiAdmin product managementfrontend*15m2medium:inventory-managementBCreateBedit and archive productsBStock levels per productRweb/pages/admin/products.tsx:â
product-api-designProduct API designbackend"backend-architect*20m2criticalBOpenAPI 3 document for productsBcartsBordersBpayments and accountsJ4no breaking changes after the API Contract AgreementRapi/openapi.yaml:ª
order-managementOrder management systembackend*35m2high:product-api-designB(Order lifecycle from placed to deliveredBIdempotent order creationRservices/orders/:Ï
payment-integrationPayment processing integrationbackend*35m2critical:order-managementB*Payment provider integration with webhooksBRefundsJ%PCI DSS scope limited to this serviceRservices/payments/:§
inventory-managementInventory managementbackend*30m2high:product-api-designBStock reservation at checkoutBCatalog reads cached in RedisRservices/inventory/:°
	user-authUser authenticationbackend"security-auditor*30m2critical:product-api-designBSign-upBlogin and password resetBJWT access and refresh tokensRservices/auth/:•
database-setupDatabase setup (PostgreSQL)devops*15m2highB$PostgreSQL 16 with automated backupsBMigrations run on deployRinfra/postgres.yaml:k
redis-cacheRedis caching layerdevops*15m2mediumB Redis with persistence for cartsRinfra/redis.yaml:u
ci-cd-pipelineCI/CD pipelinedevops*20m2highBBuildB&test and publish images on every mergeR.ci/pipeline.yaml:»
container-orchestrationContainer orchestrationdevops"deployment-specialist*25m2high:ci-cd-pipelineB&Kubernetes manifests for every serviceBRolling updates and autoscalingRk8s/:¶
monitoring-loggingMonitoring and loggingdevops*15m2medium:container-orchestrationBMetricsB!dashboards and alerts per serviceBCentral structured logsRinfra/monitoring.yaml:¯
api-integration-testsAPI integration tests*20m2high:order-management:payment-integrationBAEvery endpoint of api/openapi.yaml exercised against the servicesR
tests/api/:µ
e2e-checkout-testsE2E checkout flow tests*25m2critical:checkout-ui:payment-integrationBBrowseBadd to cartB$pay and see the order in the accountRtests/e2e/checkout.spec.ts:±
performance-testingPerformance testing*15m2medium:container-orchestration:monitoring-loggingB5Catalog reads p99 < 300 ms at 500 requests per secondRtests/perf/report.md:
security-testingSecurity testing*15m2high:	user-auth:payment-integrationB2OWASP Top 10 checks on authentication and paymentsRtests/security/report.mdB—
API Contract Agreementfrontendbackendproduct-api-design"
catalog-ui"cart-ui"checkout-ui"account-dashboard-ui"admin-product-ui2api_contractB‡
Infrastructure Readybackenddevopsdatabase-setupredis-cache"order-management"inventory-management"	user-auth2infrastructureB¬
Integration Testingfrontendbackendtesting
catalog-uicart-uicheckout-uiaccount-dashboard-uiadmin-product-uiproduct-api-designorder-managementpayment-integrationinventory-management	user-auth"e2e-checkout-tests"performance-testing"security-testing2api_contract2
deploymentJ5s