# The APIs this module uses. They stay enabled on destroy: other things in the
# project may depend on them.
resource "google_project_service" "this" {
  for_each           = toset(["run.googleapis.com", "compute.googleapis.com", "dns.googleapis.com", "iam.googleapis.com"])
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
