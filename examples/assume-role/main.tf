# Provider configurations for the two accounts: the API account from a named profile,
# the function account through a chain of two roles with an external id.

provider "xacct" {
  alias   = "api"
  region  = "us-east-1"
  profile = "api-admin"
}

provider "xacct" {
  alias  = "function"
  region = "us-west-2"

  assume_role {
    role_arn     = "arn:aws:iam::333333333333:role/hub"
    session_name = "xacct-hub"
  }
  assume_role {
    role_arn     = "arn:aws:iam::222222222222:role/xacct-deployer"
    session_name = "xacct"
    external_id  = "tutorial-external-id"
    duration     = "1h"
  }

  allowed_account_ids = ["222222222222"]
}
