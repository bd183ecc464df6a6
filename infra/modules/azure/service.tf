# Container Apps (consumption) in an external environment: the environment's
# inbound static IP is the address DNS answers with. The ingress in front of the
# app routes by Host header, which is why the health URL uses the app's own FQDN
# (it resolves to the same static IP) and why the failover name must be bound as
# a custom domain before Azure can serve clients.

locals {
  # The service listens on 127.0.0.1 unless told otherwise; in a container it
  # must accept the ingress's connections.
  service_env = merge(var.extra_env, {
    SERVICE_CLOUD = "azure"
    # The service wants a lower-case region name: "West Europe" becomes westeurope.
    SERVICE_REGION  = lower(replace(var.location, " ", ""))
    SERVICE_VERSION = var.service_version
    SERVICE_HOST    = "0.0.0.0"
    SERVICE_PORT    = tostring(var.container_port)
  })
}

resource "azurerm_resource_group" "this" {
  name     = var.resource_group_name
  location = var.location
  tags     = var.tags
}

resource "azurerm_log_analytics_workspace" "this" {
  name                = "${var.name_prefix}-logs"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = var.tags
}

resource "azurerm_container_app_environment" "this" {
  name                       = "${var.name_prefix}-env"
  location                   = azurerm_resource_group.this.location
  resource_group_name        = azurerm_resource_group.this.name
  logs_destination           = "log-analytics"
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id
  tags                       = var.tags
}

# Identity the app uses to pull from a private registry, only when one is given.
resource "azurerm_user_assigned_identity" "image_pull" {
  count               = var.acr_id == null ? 0 : 1
  name                = "${var.name_prefix}-image-pull"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = var.tags
}

resource "azurerm_role_assignment" "image_pull" {
  count                = var.acr_id == null ? 0 : 1
  scope                = var.acr_id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_user_assigned_identity.image_pull[0].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_container_app" "service" {
  name                         = "${var.name_prefix}-sample-service"
  container_app_environment_id = azurerm_container_app_environment.this.id
  resource_group_name          = azurerm_resource_group.this.name
  revision_mode                = "Single"
  tags                         = var.tags

  dynamic "identity" {
    for_each = azurerm_user_assigned_identity.image_pull
    content {
      type         = "UserAssigned"
      identity_ids = [identity.value.id]
    }
  }

  dynamic "registry" {
    for_each = azurerm_user_assigned_identity.image_pull
    content {
      server   = var.acr_login_server
      identity = registry.value.id
    }
  }

  ingress {
    external_enabled = true
    target_port      = var.container_port
    transport        = "http"
    # Plain HTTP on port 80 as on the other clouds; TLS is a per-cloud choice (docs/deploy.md).
    allow_insecure_connections = true

    traffic_weight {
      latest_revision = true
      percentage      = 100
    }
  }

  template {
    min_replicas = var.min_replicas
    max_replicas = var.max_replicas
    # The service drains on SIGTERM; give it time before SIGKILL.
    termination_grace_period_seconds = 30

    container {
      name   = "app"
      image  = var.image
      cpu    = var.cpu
      memory = var.memory

      dynamic "env" {
        for_each = local.service_env
        content {
          name  = env.key
          value = env.value
        }
      }

      # The service's deep readiness check: a replica that cannot serve gets no traffic.
      readiness_probe {
        transport = "HTTP"
        port      = var.container_port
        path      = "/readyz"
      }

      liveness_probe {
        transport = "HTTP"
        port      = var.container_port
        path      = "/healthz"
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.acr_id == null || var.acr_login_server != null
      error_message = "acr_login_server (e.g. myregistry.azurecr.io) is required with acr_id."
    }
  }

  depends_on = [azurerm_role_assignment.image_pull]
}

# Azure checks a TXT record asuid.<name> holding the app's verification id (and
# that <name> resolves to the environment) before it binds a custom domain.
resource "azurerm_dns_txt_record" "domain_verification" {
  name                = "asuid.${var.service_hostname}"
  zone_name           = azurerm_dns_zone.this.name
  resource_group_name = azurerm_resource_group.this.name
  ttl                 = 300
  tags                = var.tags

  record {
    value = azurerm_container_app.service.custom_domain_verification_id
  }
}

resource "azurerm_container_app_custom_domain" "service" {
  count            = var.bind_custom_domain ? 1 : 0
  name             = "${var.service_hostname}.${var.domain}"
  container_app_id = azurerm_container_app.service.id

  # A managed certificate, if added later in the portal, must not be undone here.
  lifecycle {
    ignore_changes = [certificate_binding_type, container_app_environment_certificate_id]
  }

  depends_on = [azurerm_dns_txt_record.domain_verification]
}
