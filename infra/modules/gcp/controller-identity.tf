# The controller's identity in Google Cloud: a service account with a custom role
# bound on the managed zone only (zone-level IAM), never on the project.
# roles/dns.admin would also let it create and delete zones, change DNSSEC and
# policies; the custom role holds just what the adapter calls need: read the
# zone, list/read record sets, submit an atomic change and poll its status.
#
# The role is defined in the project (custom roles live in a project or an
# organisation) but grants nothing until bound; the one binding is on the zone.

resource "google_service_account" "controller" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-controller"
  display_name = "multicloud-failover controller (record sets of ${var.domain})"
  depends_on   = [google_project_service.this]
}

resource "google_project_iam_custom_role" "controller" {
  project     = var.project_id
  role_id     = var.controller_role_id
  title       = "multicloud-failover DNS record writer"
  description = "Read one managed zone, change its record sets atomically, poll the change."
  permissions = [
    "dns.managedZones.get",
    "dns.resourceRecordSets.list",
    "dns.resourceRecordSets.get",
    "dns.resourceRecordSets.create",
    "dns.resourceRecordSets.update",
    "dns.resourceRecordSets.delete",
    "dns.changes.create",
    "dns.changes.get",
  ]
}

resource "google_dns_managed_zone_iam_member" "controller" {
  project      = var.project_id
  managed_zone = google_dns_managed_zone.this.name
  role         = google_project_iam_custom_role.controller.name
  member       = "serviceAccount:${google_service_account.controller.email}"
}
