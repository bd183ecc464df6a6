# DNS answers are IP addresses, so the service needs a stable one. A Network Load
# Balancer takes one Elastic IP per availability zone (subnet mapping); those IPs
# stay the same for the life of the load balancer. Cross-zone load balancing lets
# the node behind any one IP reach tasks in every zone.

resource "aws_eip" "lb" {
  count  = length(local.azs)
  domain = "vpc"
  tags   = merge(var.tags, { Name = "${var.name_prefix}-nlb-${local.azs[count.index]}" })
}

resource "aws_lb" "this" {
  name                             = "${var.name_prefix}-nlb"
  load_balancer_type               = "network"
  internal                         = false
  enable_cross_zone_load_balancing = true
  tags                             = var.tags

  dynamic "subnet_mapping" {
    for_each = aws_subnet.public
    content {
      subnet_id     = subnet_mapping.value.id
      allocation_id = aws_eip.lb[subnet_mapping.key].id
    }
  }
}

resource "aws_lb_target_group" "service" {
  name                 = "${var.name_prefix}-tg"
  port                 = var.container_port
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = aws_vpc.this.id
  preserve_client_ip   = "false"
  deregistration_delay = 30
  tags                 = var.tags

  # The service's deep readiness check: a task that cannot serve is taken out.
  health_check {
    protocol            = "HTTP"
    path                = "/readyz"
    port                = "traffic-port"
    matcher             = "200"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.service.arn
  }
}
