variable "domain" {
  type        = string
  description = "The domain served by all three providers, without a trailing dot, e.g. example.com. You must control its registration."
}

variable "service_hostname" {
  type        = string
  description = "Label of the failover name in the zone; app gives app.<domain>."
  default     = "app"
}

variable "owner" {
  type        = string
  description = "Owner id the controller writes into its ownership records; records with another owner are never touched."
  default     = "failover-prod"
}

variable "service_ttl" {
  type        = number
  description = "TTL in seconds of the failover record; it bounds how long resolvers keep a dead answer."
  default     = 30
}

variable "name_prefix" {
  type        = string
  description = "Prefix for resource names in all three clouds."
  default     = "failover"
}

variable "service_version" {
  type        = string
  description = "SERVICE_VERSION given to the three deployments."
  default     = "0.1.0"
}

variable "service_extra_env" {
  type        = map(string)
  description = "Further environment variables for the sample service in all three clouds, e.g. DEPENDENCY_URL for its deep readiness check."
  default     = {}
}

variable "aws_region" {
  type        = string
  description = "AWS region of the service (Route 53 itself is global)."
  default     = "eu-west-1"
}

variable "aws_image" {
  type        = string
  description = "Sample service image in ECR (or any registry Fargate can pull from)."
}

variable "controller_trusted_principal_arns" {
  type        = list(string)
  description = "IAM principals allowed to assume the controller's AWS role; empty means the account root."
  default     = []
}

variable "azure_subscription_id" {
  type        = string
  description = "Azure subscription for the zone and the service."
}

variable "azure_location" {
  type        = string
  description = "Azure region of the service."
  default     = "westeurope"
}

variable "azure_resource_group_name" {
  type        = string
  description = "Resource group created for the Azure zone and service."
  default     = "failover-rg"
}

variable "azure_image" {
  type        = string
  description = "Sample service image for Container Apps, e.g. myregistry.azurecr.io/failover-sample:0.1.0."
}

variable "azure_acr_id" {
  type        = string
  description = "Resource id of the Azure Container Registry holding azure_image; null for a public image."
  default     = null
}

variable "azure_acr_login_server" {
  type        = string
  description = "Login server of that registry, e.g. myregistry.azurecr.io; required with azure_acr_id."
  default     = null
}

variable "azure_bind_custom_domain" {
  type        = bool
  description = "Bind <service_hostname>.<domain> to the Azure container app; turn on after the registrar delegation is live (docs/deploy.md, step 6)."
  default     = false
}

variable "gcp_project_id" {
  type        = string
  description = "Google Cloud project for the zone and the service."
}

variable "gcp_region" {
  type        = string
  description = "Region of the Cloud Run service."
  default     = "europe-west1"
}

variable "gcp_image" {
  type        = string
  description = "Sample service image in Artifact Registry, e.g. europe-west1-docker.pkg.dev/my-project/failover/sample:0.1.0."
}

variable "write_controller_config" {
  type        = bool
  description = "Also write the rendered controller configuration to controller.yaml next to this file."
  default     = false
}
