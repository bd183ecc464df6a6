variable "name_prefix" {
  type        = string
  description = "Prefix for every resource name in this module, e.g. failover."
  default     = "failover"
}

variable "domain" {
  type        = string
  description = "The public DNS zone to create, without a trailing dot, e.g. example.com."
}

variable "service_hostname" {
  type        = string
  description = "Label of the failover name inside the zone (app gives app.<domain>); used for the Container Apps custom domain."
  default     = "app"
}

variable "location" {
  type        = string
  description = "Azure region for the service, e.g. westeurope."
  default     = "westeurope"
}

variable "resource_group_name" {
  type        = string
  description = "Resource group created for the zone and the service."
  default     = "failover-rg"
}

variable "image" {
  type        = string
  description = "Container image of the sample service, e.g. myregistry.azurecr.io/failover-sample:0.1.0."
}

variable "service_version" {
  type        = string
  description = "Value of SERVICE_VERSION inside the container."
  default     = "0.1.0"
}

variable "extra_env" {
  type        = map(string)
  description = "Further environment variables for the sample service, e.g. DEPENDENCY_URL for its deep readiness check. The cloud, region, version, host and port are set by the module."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_env) : !startswith(k, "CHAOS_")])
    error_message = "The chaos switch is local only; do not configure it in a cloud deployment."
  }
}

variable "container_port" {
  type        = number
  description = "Port the sample service listens on inside the container (passed as SERVICE_PORT)."
  default     = 8080
}

variable "cpu" {
  type        = number
  description = "vCPU per replica (0.25 steps; memory must be twice the CPU in Gi)."
  default     = 0.25
}

variable "memory" {
  type        = string
  description = "Memory per replica, e.g. 0.5Gi."
  default     = "0.5Gi"
}

variable "min_replicas" {
  type        = number
  description = "Minimum replicas; at least 1 so a health probe never waits for a cold start."
  default     = 1
}

variable "max_replicas" {
  type        = number
  description = "Maximum replicas."
  default     = 3
}

variable "acr_id" {
  type        = string
  description = "Resource id of an Azure Container Registry to pull the image from with a managed identity (AcrPull on that registry only). Null for a public image."
  default     = null

  validation {
    condition     = var.acr_id == null || can(regex("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.ContainerRegistry/registries/[^/]+$", var.acr_id))
    error_message = "acr_id must be the resource id of one container registry (AcrPull is granted on it alone), not a resource group or subscription."
  }
}

variable "acr_login_server" {
  type        = string
  description = "Login server of that registry, e.g. myregistry.azurecr.io. Required with acr_id."
  default     = null
}

variable "bind_custom_domain" {
  type        = bool
  description = "Bind <service_hostname>.<domain> to the container app. Container Apps routes by Host header, so clients using the failover name get a 404 until this is bound; Azure validates the binding through public DNS, so enable it once the registrar delegation is in place (see docs/deploy.md)."
  default     = false
}

variable "log_retention_days" {
  type        = number
  description = "Log Analytics retention for the container logs."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource that supports them."
  default     = {}
}
