data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  # The service listens on 127.0.0.1 unless told otherwise; in a container it
  # must accept the load balancer's connections.
  service_env = merge(var.extra_env, {
    SERVICE_CLOUD   = "aws"
    SERVICE_REGION  = data.aws_region.current.name
    SERVICE_VERSION = var.service_version
    SERVICE_HOST    = "0.0.0.0"
    SERVICE_PORT    = tostring(var.container_port)
  })
}

resource "aws_ecs_cluster" "this" {
  name = "${var.name_prefix}-cluster"
  tags = var.tags
}

resource "aws_cloudwatch_log_group" "service" {
  name              = "/ecs/${var.name_prefix}-sample-service"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Lets ECS pull the image from ECR and write logs; the container itself gets no role.
resource "aws_iam_role" "task_execution" {
  name               = "${var.name_prefix}-task-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "task_execution" {
  role       = aws_iam_role.task_execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "service" {
  family                   = "${var.name_prefix}-sample-service"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.task_execution.arn
  tags                     = var.tags

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name      = "app"
      image     = var.image
      essential = true
      portMappings = [
        { containerPort = var.container_port, protocol = "tcp" }
      ]
      environment = [for name, value in local.service_env : { name = name, value = value }]
      # The service drains on SIGTERM; give it time before SIGKILL.
      stopTimeout = 30
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.service.name
          awslogs-region        = data.aws_region.current.name
          awslogs-stream-prefix = "app"
        }
      }
    }
  ])
}

resource "aws_security_group" "service" {
  name        = "${var.name_prefix}-service"
  description = "Sample service tasks: traffic only from the load balancer nodes inside the VPC."
  vpc_id      = aws_vpc.this.id
  tags        = var.tags

  # The NLB does not preserve client IPs for IP targets (preserve_client_ip =
  # false), so every connection, health checks included, comes from its nodes'
  # private addresses in this VPC.
  ingress {
    description = "From the NLB nodes"
    from_port   = var.container_port
    to_port     = var.container_port
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    description = "Image pulls, logs and the service's own dependency checks"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ecs_service" "service" {
  name                              = "${var.name_prefix}-sample-service"
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.service.arn
  desired_count                     = var.desired_count
  launch_type                       = "FARGATE"
  health_check_grace_period_seconds = 30
  tags                              = var.tags

  network_configuration {
    subnets          = aws_subnet.public[*].id
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = true
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.service.arn
    container_name   = "app"
    container_port   = var.container_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  depends_on = [aws_lb_listener.http]
}
