output "service_address" {
  description = "The reserved global IPv4 address of the load balancer, which DNS answers with for this cloud."
  value       = google_compute_global_address.service.address
}

output "service_url" {
  description = "Base URL of the service through its static IP."
  value       = "http://${google_compute_global_address.service.address}/"
}

output "health_url" {
  description = "Readiness URL the controller probes for this target."
  value       = "http://${google_compute_global_address.service.address}/readyz"
}

output "nameservers" {
  description = "Cloud DNS nameservers of the managed zone."
  value       = google_dns_managed_zone.this.name_servers
}

output "project_id" {
  description = "Project holding the zone, for providers.clouddns.projectId."
  value       = var.project_id
}

output "managed_zone" {
  description = "Managed zone name, for providers.clouddns.managedZone."
  value       = google_dns_managed_zone.this.name
}

output "region" {
  description = "Region the Cloud Run service runs in."
  value       = var.region
}

output "controller_service_account_email" {
  description = "Service account the controller runs as (attach it to the compute, or impersonate it through ADC)."
  value       = google_service_account.controller.email
}

output "cloud_run_service_name" {
  description = "Name of the Cloud Run service behind the load balancer."
  value       = google_cloud_run_v2_service.service.name
}
