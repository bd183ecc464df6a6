variable "name_prefix" {
  type        = string
  description = "Prefix for every resource name in this module, e.g. failover."
  default     = "failover"
}

variable "domain" {
  type        = string
  description = "The public DNS zone to create, without a trailing dot, e.g. example.com."
}

variable "image" {
  type        = string
  description = "Container image of the sample service (apps/sample-service), e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/failover-sample:0.1.0."
}

variable "service_version" {
  type        = string
  description = "Value of SERVICE_VERSION inside the container; shown by the service so a drill can tell deployments apart."
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
  description = "Fargate task CPU units (256 = 0.25 vCPU)."
  default     = 256
}

variable "memory" {
  type        = number
  description = "Fargate task memory in MiB; must be a valid pairing with cpu."
  default     = 512
}

variable "desired_count" {
  type        = number
  description = "Number of Fargate tasks; two spread the service over two availability zones."
  default     = 2
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR block of the VPC created for the service."
  default     = "10.60.0.0/16"
}

variable "availability_zone_count" {
  type        = number
  description = "How many availability zones the load balancer and tasks use (one public subnet and one Elastic IP each)."
  default     = 2

  validation {
    condition     = var.availability_zone_count >= 1 && var.availability_zone_count <= 3
    error_message = "availability_zone_count must be between 1 and 3."
  }
}

variable "log_retention_days" {
  type        = number
  description = "CloudWatch Logs retention for the service's container logs."
  default     = 14
}

variable "controller_trusted_principal_arns" {
  type        = list(string)
  description = "IAM principals allowed to assume the controller role. Empty means this account's root, i.e. any principal of the account that is itself allowed sts:AssumeRole on the role."
  default     = []
}

variable "controller_record_types" {
  type        = list(string)
  description = "Record types the controller may change. NS and SOA are deliberately absent: the controller must never touch delegation."
  default     = ["A", "AAAA", "TXT", "CNAME"]

  validation {
    condition     = length(setintersection(var.controller_record_types, ["NS", "SOA"])) == 0
    error_message = "The controller must not be allowed to change NS or SOA records."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource that supports them."
  default     = {}
}
