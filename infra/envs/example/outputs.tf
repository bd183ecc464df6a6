output "controller_config" {
  description = "The controller's configuration as YAML: save it (terraform output -raw controller_config > controller.yaml) and run the controller with it."
  value       = local.controller_config_yaml
}

output "registrar_nameservers" {
  description = "All nameservers of the three zones, to enter at the registrar: the domain is delegated to Route 53, Azure DNS and Cloud DNS at once."
  value = distinct([
    for ns in concat(module.aws.nameservers, module.azure.nameservers, module.gcp.nameservers) : trimsuffix(lower(ns), ".")
  ])
}

output "nameservers_by_provider" {
  description = "Each provider's nameservers, for checking the apex NS set of every zone (infra/README.md)."
  value = {
    route53  = [for ns in module.aws.nameservers : trimsuffix(lower(ns), ".")]
    azure    = [for ns in module.azure.nameservers : trimsuffix(lower(ns), ".")]
    clouddns = [for ns in module.gcp.nameservers : trimsuffix(lower(ns), ".")]
  }
}

output "service_endpoints" {
  description = "Static address and health URL of each cloud's deployment."
  value = {
    aws   = { address = module.aws.service_address, health_url = module.aws.health_url }
    azure = { address = module.azure.service_address, health_url = module.azure.health_url }
    gcp   = { address = module.gcp.service_address, health_url = module.gcp.health_url }
  }
}

output "controller_identities" {
  description = "The least-privilege identity created for the controller in each cloud."
  value = {
    aws_role_arn              = module.aws.controller_role_arn
    azure_identity_client_id  = module.azure.controller_identity_client_id
    azure_identity_id         = module.azure.controller_identity_id
    gcp_service_account_email = module.gcp.controller_service_account_email
  }
}

output "dns_zones" {
  description = "Where the zone lives in each provider, for the apex NS step in infra/README.md."
  value = {
    route53_hosted_zone_id = module.aws.hosted_zone_id
    azure_resource_group   = module.azure.resource_group
    azure_zone_name        = module.azure.zone_name
    gcp_project_id         = module.gcp.project_id
    gcp_managed_zone       = module.gcp.managed_zone
  }
}
