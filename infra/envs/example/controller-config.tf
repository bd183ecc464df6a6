# The controller's configuration (src/config/schema.ts), rendered from the
# modules' outputs. The template is JSON with one placeholder per value, each
# given here already JSON-encoded; test/unit/infra-controller-config.test.ts
# renders the same template with sample outputs and validates the result with
# the controller's own schema.

locals {
  controller_config_vars = {
    owner                  = jsonencode(var.owner)
    zone                   = jsonencode(var.domain)
    route53_hosted_zone_id = jsonencode(module.aws.hosted_zone_id)
    route53_region         = jsonencode(module.aws.route53_region)
    azure_subscription_id  = jsonencode(module.azure.subscription_id)
    azure_resource_group   = jsonencode(module.azure.resource_group)
    azure_zone_name        = jsonencode(module.azure.zone_name)
    gcp_project_id         = jsonencode(module.gcp.project_id)
    gcp_managed_zone       = jsonencode(module.gcp.managed_zone)
    service_name           = jsonencode("${var.service_hostname}.${var.domain}")
    service_ttl            = jsonencode(var.service_ttl)
    aws_address            = jsonencode(module.aws.service_address)
    aws_health_url         = jsonencode(module.aws.health_url)
    azure_address          = jsonencode(module.azure.service_address)
    azure_health_url       = jsonencode(module.azure.health_url)
    gcp_address            = jsonencode(module.gcp.service_address)
    gcp_health_url         = jsonencode(module.gcp.health_url)
  }

  controller_config      = jsondecode(templatefile("${path.module}/controller-config.tftpl", local.controller_config_vars))
  controller_config_yaml = yamlencode(local.controller_config)
}

resource "local_file" "controller_config" {
  count           = var.write_controller_config ? 1 : 0
  filename        = "${path.module}/controller.yaml"
  content         = local.controller_config_yaml
  file_permission = "0644"
}
