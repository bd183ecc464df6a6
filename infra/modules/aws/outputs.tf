output "service_address" {
  description = "The static IPv4 address DNS answers with for this cloud (the load balancer's Elastic IP in the first zone)."
  value       = aws_eip.lb[0].public_ip
}

output "service_addresses" {
  description = "All Elastic IPs of the load balancer, one per availability zone; any of them reaches every task."
  value       = aws_eip.lb[*].public_ip
}

output "service_url" {
  description = "Base URL of the service through its static IP."
  value       = "http://${aws_eip.lb[0].public_ip}/"
}

output "health_url" {
  description = "Readiness URL the controller probes for this target."
  value       = "http://${aws_eip.lb[0].public_ip}/readyz"
}

output "nameservers" {
  description = "Route 53 nameservers of the hosted zone."
  value       = aws_route53_zone.this.name_servers
}

output "hosted_zone_id" {
  description = "Route 53 hosted zone id, for providers.route53.hostedZoneId."
  value       = aws_route53_zone.this.zone_id
}

output "route53_region" {
  description = "Region the controller's Route 53 client signs for. Route 53 is a global API whose control plane lives in us-east-1, whatever region the service runs in."
  value       = "us-east-1"
}

output "region" {
  description = "Region the service runs in."
  value       = data.aws_region.current.name
}

output "controller_role_arn" {
  description = "Role the controller assumes; configure it as role_arn in the controller's AWS profile."
  value       = aws_iam_role.controller.arn
}

output "controller_policy_arn" {
  description = "The controller's least-privilege policy, to attach to another principal if a role does not suit."
  value       = aws_iam_policy.controller.arn
}

output "load_balancer_dns_name" {
  description = "The NLB's own DNS name (for debugging; the controller publishes the static IP)."
  value       = aws_lb.this.dns_name
}
