# Credentials come from each cloud's standard chain (AWS profile/SSO, az login or
# ARM_* variables, gcloud ADC), never from this configuration.

provider "aws" {
  region = var.aws_region
}

provider "azurerm" {
  features {}
  subscription_id = var.azure_subscription_id
}

provider "google" {
  project = var.gcp_project_id
  region  = var.gcp_region
}
