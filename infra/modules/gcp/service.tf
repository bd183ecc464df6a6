# Cloud Run answers on a *.run.app hostname, not on an IP of ours. A global
# external Application Load Balancer with a reserved global IP and a serverless
# network endpoint group gives the service a static anycast address; the URL map
# has no host rules, so the IP serves any Host header (the failover name, the
# bare IP used by the health probe).

locals {
  # Cloud Run also sets PORT; the service reads SERVICE_PORT and would otherwise
  # listen on 127.0.0.1 only.
  service_env = merge(var.extra_env, {
    SERVICE_CLOUD   = "gcp"
    SERVICE_REGION  = var.region
    SERVICE_VERSION = var.service_version
    SERVICE_HOST    = "0.0.0.0"
    SERVICE_PORT    = tostring(var.container_port)
  })
}

# Runtime identity with no roles: the sample service calls no Google API.
resource "google_service_account" "service" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-service"
  display_name = "multicloud-failover sample service (no roles)"
  depends_on   = [google_project_service.this]
}

resource "google_cloud_run_v2_service" "service" {
  project  = var.project_id
  name     = "${var.name_prefix}-sample-service"
  location = var.region
  # Only the load balancer may reach it; the run.app URL is closed.
  ingress = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
  # Public service behind the load balancer without an allUsers IAM binding
  # (which organisation policies often forbid).
  invoker_iam_disabled = true
  deletion_protection  = false
  labels               = var.labels

  template {
    service_account = google_service_account.service.email

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    containers {
      image = var.image

      ports {
        container_port = var.container_port
      }

      dynamic "env" {
        for_each = local.service_env
        content {
          name  = env.key
          value = env.value
        }
      }

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
      }

      # Cloud Run has no readiness probe; the startup probe gates traffic on the
      # service's deep readiness check, the liveness probe restarts a hung instance.
      startup_probe {
        period_seconds    = 5
        failure_threshold = 12
        http_get {
          path = "/readyz"
          port = var.container_port
        }
      }

      liveness_probe {
        period_seconds = 10
        http_get {
          path = "/healthz"
          port = var.container_port
        }
      }
    }
  }

  depends_on = [google_project_service.this]
}

resource "google_compute_global_address" "service" {
  project    = var.project_id
  name       = "${var.name_prefix}-service-ip"
  ip_version = "IPV4"
  depends_on = [google_project_service.this]
}

resource "google_compute_region_network_endpoint_group" "service" {
  project               = var.project_id
  name                  = "${var.name_prefix}-service-neg"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = google_cloud_run_v2_service.service.name
  }
}

# Serverless backends take no load-balancer health check; Cloud Run's own probes
# decide which instances serve.
resource "google_compute_backend_service" "service" {
  project               = var.project_id
  name                  = "${var.name_prefix}-service-backend"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTP"

  backend {
    group = google_compute_region_network_endpoint_group.service.id
  }
}

resource "google_compute_url_map" "service" {
  project         = var.project_id
  name            = "${var.name_prefix}-service-urls"
  default_service = google_compute_backend_service.service.id
}

resource "google_compute_target_http_proxy" "service" {
  project = var.project_id
  name    = "${var.name_prefix}-service-http"
  url_map = google_compute_url_map.service.id
}

resource "google_compute_global_forwarding_rule" "http" {
  project               = var.project_id
  name                  = "${var.name_prefix}-service-http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.service.id
  ip_protocol           = "TCP"
  port_range            = "80"
  target                = google_compute_target_http_proxy.service.id
  labels                = var.labels
}
