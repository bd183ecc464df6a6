output "service_address" {
  description = "The static inbound IPv4 address of the Container Apps environment, which DNS answers with for this cloud."
  value       = azurerm_container_app_environment.this.static_ip_address
}

output "service_url" {
  description = "Base URL of the service through the app's own FQDN (Container Apps routes by Host header)."
  value       = "http://${azurerm_container_app.service.ingress[0].fqdn}/"
}

output "health_url" {
  description = "Readiness URL the controller probes: the app's FQDN resolves to the same static IP and carries the Host header the ingress routes on."
  value       = "http://${azurerm_container_app.service.ingress[0].fqdn}/readyz"
}

output "nameservers" {
  description = "Azure DNS nameservers of the zone."
  value       = tolist(azurerm_dns_zone.this.name_servers)
}

output "subscription_id" {
  description = "Subscription holding the zone, for providers.azure.subscriptionId."
  value       = data.azurerm_client_config.current.subscription_id
}

output "resource_group" {
  description = "Resource group holding the zone, for providers.azure.resourceGroup."
  value       = azurerm_resource_group.this.name
}

output "zone_name" {
  description = "The zone's name, for providers.azure.zoneName."
  value       = azurerm_dns_zone.this.name
}

output "zone_id" {
  description = "Resource id of the zone (the scope of the controller's role assignment)."
  value       = azurerm_dns_zone.this.id
}

output "region" {
  description = "Azure region the service runs in."
  value       = azurerm_resource_group.this.location
}

output "controller_identity_client_id" {
  description = "Client id of the controller's managed identity (AZURE_CLIENT_ID for DefaultAzureCredential)."
  value       = azurerm_user_assigned_identity.controller.client_id
}

output "controller_identity_id" {
  description = "Resource id of the controller's managed identity, to attach to the compute that runs the controller."
  value       = azurerm_user_assigned_identity.controller.id
}

output "custom_domain_verification_id" {
  description = "Value of the asuid TXT record Azure checks before binding the custom domain; it must be served by every provider of the zone."
  value       = azurerm_container_app.service.custom_domain_verification_id
}
