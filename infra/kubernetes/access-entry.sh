#!/usr/bin/env sh
# Maps the Lambda execution role to the Kubernetes group `flagger-serverless` with an EKS access
# entry (cluster authentication mode API or API_AND_CONFIG_MAP). RBAC then comes from rbac.yaml:
# no EKS access policy is associated, so the role gets exactly the ClusterRole's permissions.
#
# The sweep function's role (SweepRoleArn) is mapped the same way to the read-only group
# `flagger-serverless-sweep` (list only, metadata; rbac.yaml).
#
# Usage: CLUSTER=prod REGION=eu-west-1 ROLE_ARN=arn:aws:iam::123456789012:role/flagger-serverless-step \
#        SWEEP_ROLE_ARN=arn:aws:iam::123456789012:role/flagger-serverless-sweep ./access-entry.sh
set -eu
: "${CLUSTER:?}" "${REGION:?}" "${ROLE_ARN:?}" "${SWEEP_ROLE_ARN:?}"

kubectl apply -f "$(dirname "$0")/rbac.yaml"

aws eks create-access-entry \
  --region "$REGION" \
  --cluster-name "$CLUSTER" \
  --principal-arn "$ROLE_ARN" \
  --type STANDARD \
  --kubernetes-groups flagger-serverless

aws eks create-access-entry \
  --region "$REGION" \
  --cluster-name "$CLUSTER" \
  --principal-arn "$SWEEP_ROLE_ARN" \
  --type STANDARD \
  --kubernetes-groups flagger-serverless-sweep

# Alternative (broader, no rbac.yaml needed): an AWS-managed policy scoped to namespaces.
# AmazonEKSEditPolicy covers Deployments/Services/ConfigMaps/Secrets/HPAs but NOT Istio, Gateway
# API or App Mesh objects, so routers still need the ClusterRole above.
#
# aws eks associate-access-policy \
#   --region "$REGION" --cluster-name "$CLUSTER" --principal-arn "$ROLE_ARN" \
#   --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy \
#   --access-scope type=namespace,namespaces=test,prod
