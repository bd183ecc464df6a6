terraform {
  required_version = ">= 1.6.0"

  # Exact pins: a provider upgrade is a reviewed change, never a side effect of init.
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "= 5.100.0"
    }
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "= 4.55.0"
    }
    google = {
      source  = "hashicorp/google"
      version = "= 6.30.0"
    }
    local = {
      source  = "hashicorp/local"
      version = "= 2.5.2"
    }
  }
}
