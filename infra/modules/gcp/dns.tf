locals {
  managed_zone_name = coalesce(var.managed_zone_name, replace(var.domain, ".", "-"))
}

resource "google_dns_managed_zone" "this" {
  project     = var.project_id
  name        = local.managed_zone_name
  dns_name    = "${var.domain}."
  description = "${var.domain}: one of three providers serving it (multicloud-failover)"
  visibility  = "public"
  labels      = var.labels
  depends_on  = [google_project_service.this]
}
