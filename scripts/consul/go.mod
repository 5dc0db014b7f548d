module consul-build

go 1.20

require (
	github.com/hashicorp/consul v1.14.11
	// Consul v1.14.11's go.mod replaces these with ./api ./sdk ./proto-public;
	// these are the published versions its go.mod requires (all MPL-2.0).
	github.com/hashicorp/consul/api v1.18.1
	github.com/hashicorp/consul/proto-public v0.2.1
	github.com/hashicorp/consul/sdk v0.13.0
)

// Copied from Consul v1.14.11's go.mod (its only non-local replace; it has no exclude lines).
replace launchpad.net/gocheck => github.com/go-check/check v0.0.0-20140225173054-eb6ee6f84d0a
