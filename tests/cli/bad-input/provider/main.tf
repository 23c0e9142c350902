# Hostile provider arguments (tests/cli/scenarios/bad-input.sh): every line ending in
# "# expect-error" must get an error diagnostic from `validate -json` whose range starts on
# that line.

terraform {
  required_providers {
    xacct = {
      source  = "xacct/xacct"
      version = "~> 0.1"
    }
  }
}

provider "xacct" {
  region      = "us-east-1"
  max_retries = -3 # expect-error
  retry_mode  = "sometimes" # expect-error
  assume_role {
    role_arn = "not-an-arn" # expect-error
    duration = "forever" # expect-error
  }
}

# Region, endpoint and file mistakes are found at validate time, at their attribute.
provider "xacct" {
  alias            = "mistaken"
  region           = "mars-1" # expect-error
  custom_ca_bundle = "/" # expect-error
  endpoints {
    sts = "http://user:secret@127.0.0.1:47999" # expect-error
  }
}

resource "xacct_lambda_integration" "ok" {
  rest_api_id   = "a1b2c3d4e5"
  resource_path = "/"
  http_method   = "GET"
  function_arn  = "arn:aws:lambda:us-west-2:222222222222:function:hello"
}

resource "xacct_lambda_integration" "mistaken" {
  provider      = xacct.mistaken
  rest_api_id   = "a1b2c3d4e5"
  resource_path = "/"
  http_method   = "GET"
  function_arn  = "arn:aws:lambda:us-west-2:222222222222:function:hello"
}
