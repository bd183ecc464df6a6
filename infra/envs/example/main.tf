# One service, three clouds, three DNS providers serving one domain.

module "aws" {
  source = "../../modules/aws"

  name_prefix                       = var.name_prefix
  domain                            = var.domain
  image                             = var.aws_image
  service_version                   = var.service_version
  extra_env                         = var.service_extra_env
  controller_trusted_principal_arns = var.controller_trusted_principal_arns
}

module "azure" {
  source = "../../modules/azure"

  name_prefix         = var.name_prefix
  domain              = var.domain
  service_hostname    = var.service_hostname
  location            = var.azure_location
  resource_group_name = var.azure_resource_group_name
  image               = var.azure_image
  service_version     = var.service_version
  extra_env           = var.service_extra_env
  acr_id              = var.azure_acr_id
  acr_login_server    = var.azure_acr_login_server
  bind_custom_domain  = var.azure_bind_custom_domain
}

module "gcp" {
  source = "../../modules/gcp"

  project_id      = var.gcp_project_id
  region          = var.gcp_region
  name_prefix     = var.name_prefix
  domain          = var.domain
  image           = var.gcp_image
  service_version = var.service_version
  extra_env       = var.service_extra_env
}

# Azure's custom-domain check may ask any of the three providers (the registrar
# lists them all), so its TXT record is served by all three zones. These static
# records are not the controller's: it owns only what carries its owner id.
resource "aws_route53_record" "azure_domain_verification" {
  zone_id = module.aws.hosted_zone_id
  name    = "asuid.${var.service_hostname}.${var.domain}"
  type    = "TXT"
  ttl     = 300
  records = [module.azure.custom_domain_verification_id]
}

resource "google_dns_record_set" "azure_domain_verification" {
  project      = module.gcp.project_id
  managed_zone = module.gcp.managed_zone
  name         = "asuid.${var.service_hostname}.${var.domain}."
  type         = "TXT"
  ttl          = 300
  rrdatas      = ["\"${module.azure.custom_domain_verification_id}\""]
}
