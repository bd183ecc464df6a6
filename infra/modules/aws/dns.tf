resource "aws_route53_zone" "this" {
  name    = var.domain
  comment = "${var.domain}: one of three providers serving it (multicloud-failover)"
  tags    = var.tags
}
