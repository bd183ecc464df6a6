variable "project_id" {
  type        = string
  description = "Google Cloud project that holds the zone and the service."
}

variable "region" {
  type        = string
  description = "Region of the Cloud Run service, e.g. europe-west1."
  default     = "europe-west1"
}

variable "name_prefix" {
  type        = string
  description = "Prefix for every resource name in this module (lower case, digits and hyphens)."
  default     = "failover"
}

variable "domain" {
  type        = string
  description = "The public DNS zone to create, without a trailing dot, e.g. example.com."
}

variable "managed_zone_name" {
  type        = string
  description = "Cloud DNS managed zone name; null derives it from the domain (example.com gives example-com)."
  default     = null
}

variable "image" {
  type        = string
  description = "Container image of the sample service, e.g. europe-west1-docker.pkg.dev/my-project/failover/sample:0.1.0."
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
  description = "Port the sample service listens on (passed as SERVICE_PORT; Cloud Run also sets PORT)."
  default     = 8080
}

variable "cpu" {
  type        = string
  description = "CPU limit per instance, e.g. 1."
  default     = "1"
}

variable "memory" {
  type        = string
  description = "Memory limit per instance, e.g. 512Mi."
  default     = "512Mi"
}

variable "min_instances" {
  type        = number
  description = "Minimum instances; at least 1 so a health probe never waits for a cold start."
  default     = 1
}

variable "max_instances" {
  type        = number
  description = "Maximum instances."
  default     = 3
}

variable "controller_role_id" {
  type        = string
  description = "Id of the custom role created for the controller. Deleted custom role ids stay reserved for weeks, so change it when re-creating a project from scratch."
  default     = "failoverDnsRecordWriter"
}

variable "labels" {
  type        = map(string)
  description = "Labels added to every resource that supports them."
  default     = {}
}
