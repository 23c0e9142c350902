# `terraform query` (Terraform 1.14+): the list blocks of console.tfquery.hcl find wiring
# made by hand, and `terraform query -generate-config-out=generated.tf` writes the import
# and resource blocks that adopt it. This file holds the provider configurations the
# list blocks name: the API account's, and the function account's through assume_role.
# docs/guides/query.md walks through it.

terraform {
  required_providers {
    xacct = {
      source  = "xacct/xacct"
      version = "~> 0.1"
    }
  }
}

provider "xacct" {
  alias  = "api"
  region = "us-east-1"
}

provider "xacct" {
  alias  = "function"
  region = "us-west-2"
  assume_role {
    role_arn = "arn:aws:iam::222222222222:role/xacct-deployer"
  }
}
