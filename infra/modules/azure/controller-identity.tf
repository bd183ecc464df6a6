# The controller's identity in Azure: a user-assigned managed identity with a
# custom role granted on the DNS zone resource alone (not the resource group,
# not the subscription). The role reads the zone and its record sets and writes
# only the record types the controller publishes; NS and SOA stay read-only.
#
# Run the controller on Azure compute with this identity attached, or grant the
# same role to a workload-identity federated principal elsewhere;
# DefaultAzureCredential picks either up.

data "azurerm_client_config" "current" {}

resource "azurerm_user_assigned_identity" "controller" {
  name                = "${var.name_prefix}-controller"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = var.tags
}

resource "azurerm_role_definition" "controller" {
  name        = "${var.name_prefix} DNS record writer (${var.domain})"
  description = "multicloud-failover controller: read the zone, write A/AAAA/TXT/CNAME record sets."
  # A custom role's assignable scope cannot be narrower than a resource group;
  # the grant itself (below) is on the zone.
  scope             = azurerm_resource_group.this.id
  assignable_scopes = [azurerm_resource_group.this.id]

  permissions {
    # Spelled out, not computed, so a reviewer (and test/unit/infra-terraform.test.ts)
    # sees exactly what is granted.
    actions = [
      "Microsoft.Network/dnszones/read",
      "Microsoft.Network/dnszones/recordsets/read",
      "Microsoft.Network/dnszones/all/read",
      "Microsoft.Network/dnszones/A/read",
      "Microsoft.Network/dnszones/A/write",
      "Microsoft.Network/dnszones/A/delete",
      "Microsoft.Network/dnszones/AAAA/read",
      "Microsoft.Network/dnszones/AAAA/write",
      "Microsoft.Network/dnszones/AAAA/delete",
      "Microsoft.Network/dnszones/TXT/read",
      "Microsoft.Network/dnszones/TXT/write",
      "Microsoft.Network/dnszones/TXT/delete",
      "Microsoft.Network/dnszones/CNAME/read",
      "Microsoft.Network/dnszones/CNAME/write",
      "Microsoft.Network/dnszones/CNAME/delete",
    ]
    not_actions = []
  }
}

resource "azurerm_role_assignment" "controller_dns" {
  scope              = azurerm_dns_zone.this.id
  role_definition_id = azurerm_role_definition.controller.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.controller.principal_id
  principal_type     = "ServicePrincipal"
}
