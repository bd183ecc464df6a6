# The controller's identity in AWS: it may read and change record sets of this
# one hosted zone and poll the status of its own changes. Nothing else: no
# ListHostedZones* (it is given the zone id), no zone creation or deletion, no
# NS/SOA changes.

data "aws_caller_identity" "current" {}

locals {
  hosted_zone_arn = "arn:${data.aws_partition.current.partition}:route53:::hostedzone/${aws_route53_zone.this.zone_id}"
  # GetChange is authorised on the change resource. Change ids are created by
  # ChangeResourceRecordSets and cannot be known in advance, so change/* is the
  # narrowest resource there is; GetChange only reveals PENDING/INSYNC of a change.
  change_arn_pattern = "arn:${data.aws_partition.current.partition}:route53:::change/*"
}

data "aws_iam_policy_document" "controller" {
  statement {
    sid       = "ReadTheZone"
    effect    = "Allow"
    actions   = ["route53:GetHostedZone", "route53:ListResourceRecordSets"]
    resources = [local.hosted_zone_arn]
  }

  statement {
    sid       = "ChangeRecordSetsOfTheZone"
    effect    = "Allow"
    actions   = ["route53:ChangeResourceRecordSets"]
    resources = [local.hosted_zone_arn]

    # Every change in a batch must be of an allowed type, so a compromised
    # controller still cannot rewrite the delegation (NS) or the SOA.
    condition {
      test     = "ForAllValues:StringEquals"
      variable = "route53:ChangeResourceRecordSetsRecordTypes"
      values   = var.controller_record_types
    }
  }

  statement {
    sid       = "PollChangeStatus"
    effect    = "Allow"
    actions   = ["route53:GetChange"]
    resources = [local.change_arn_pattern]
  }
}

resource "aws_iam_policy" "controller" {
  name        = "${var.name_prefix}-controller-dns"
  description = "multicloud-failover controller: record sets of ${var.domain} only"
  policy      = data.aws_iam_policy_document.controller.json
  tags        = var.tags
}

data "aws_iam_policy_document" "controller_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type = "AWS"
      identifiers = length(var.controller_trusted_principal_arns) > 0 ? var.controller_trusted_principal_arns : [
        "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
      ]
    }
  }
}

resource "aws_iam_role" "controller" {
  name                 = "${var.name_prefix}-controller"
  description          = "Assumed by the multicloud-failover controller (AWS default credential chain, e.g. AWS_PROFILE with role_arn)."
  assume_role_policy   = data.aws_iam_policy_document.controller_trust.json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "controller" {
  role       = aws_iam_role.controller.name
  policy_arn = aws_iam_policy.controller.arn
}
