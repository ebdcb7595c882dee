"""The refusals MRS and its API gateway document: status and message per error code, one message per auth failure."""

from .common import ApiError

# The API gateway's authentication refusals, one message per cause (OTC API Gateway FAQ apig-faq-0003 "Common Errors
# Related to IAM Authentication Information"; the gateway spells the code APIG.0301 there and APIGW.0301 in newer pages).
SIGNATURE_FAIL = "Incorrect IAM authentication information: verify aksk signature fail"
UNKNOWN_AK = "Incorrect IAM authentication information: Get secretKey failed,ak:%s,err:ak not exist"
BAD_TOKEN = "Incorrect IAM authentication information: decrypt token fail"
AK_LOCKED = "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden."
TOKEN_EXPIRED = "The token must be updated."
NOT_AUTHORIZED = "The IAM user is not authorized to access the API."

# Documented refusals: (HTTP status, message) per code, for the errors the emulator answers and for a fault that names
# only its error_code. Sources: the vendor's resize document (shared/spec/mrs-resize-api.md, OTC resizing_a_cluster.rst
# Table 8), the OTC error-code appendix (api-ref/source/appendix/error_code.rst), the API gateway's error table.
KNOWN_ERRORS = {
    "12000001": (401, "Invalid authentication."),
    "12000002": (400, "The parameter is invalid."),
    "12000003": (400, "The cluster does not exist."),
    "12000012": (400, "Tasks are being executed in the cluster. Scale-out or scale-in is not allowed for clusters that are "
                      "not in the running state."),
    "12000013": (400, "Scale-in of the cluster failed."),
    "12000014": (400, "Scale-out of the cluster failed."),
    "12000017": (400, "Scale-out or scale-in is not allowed for clusters that are not in the Running state."),
    "12000018": (400, "Scale-out or scale-in cannot be performed again because it is in progress."),
    "12000019": (400, "Failed to obtain hosts of the cluster."),
    "12000028": (400, "The maximum number of Core and Task nodes in a cluster is 500."),
    "12000029": (400, "Failed to obtain the quota."),
    "12000030": (400, "The requested number of nodes in the cluster exceeds the available quota."),
    "12000031": (400, "The requested number of vCPUs in the cluster exceeds the available quota."),
    "12000032": (400, "The requested memory of the cluster exceeds the available quota."),
    "12000033": (400, "The requested number of disks in the cluster exceeds the available quota."),
    "12000034": (400, "The requested disk capacity of the cluster exceeds the available quota."),
    "12000054": (400, "The operation is not supported."),
    "12000065": (400, "Yearly/monthly clusters cannot be scaled out or in."),
    "12000067": (400, "The cluster cannot be scaled out because its version is too early. Upgrade the cluster to the latest "
                      "version."),
    "12000068": (400, "The status of some nodes is not running in the cluster. Try again later."),
    "12000080": (400, "The status of some nodes is not running in the cluster. Try again later."),
    "12000082": (400, "Node groups cannot be deleted in the cluster that is being scaled in or scaled out."),
    "12000121": (400, "Scale-out is not allowed because the cluster has an unpaid order. Scale out the cluster again after "
                      "you pay the order."),
    "12000123": (400, "Failed to update Task node information because the number of Task nodes is not 0."),
    "12000124": (400, "The number of Task nodes can be adjusted only using auto scaling."),
    "12000125": (400, "Failed to update Task node information, because the cluster state is scaling out or scaling in."),
    "12000136": (401, "Permission denied. Error message: Policy doesn't allow bss:order:update to be performed."),
    "12000234": (400, "Insufficient resources for the flavor of the node to be scaled out. Reduce the purchase quantity and "
                      "try again."),
    "MRS.101": (400, "Your request could not be fulfilled because your quota is insufficient. Contact technical support to "
                     "increase the quota."),
    "MRS.102": (400, "The token cannot be null or invalid. Try again later or contact customer service."),
    "MRS.103": (400, "Invalid request. Try again later or contact customer service."),
    "MRS.104": (400, "Insufficient resources. Try again later or contact customer service."),
    "MRS.105": (400, "Insufficient IP addresses in the existing subnet. Try again later or contact customer service."),
    "MRS.201": (400, "Failed due to an ECS error. Try again later or contact customer service. (ECS: Ecs.0005, The flavor "
                     "is sold out.)"),
    "MRS.202": (400, "Failed due to an IAM error. Try again later or contact customer service."),
    "MRS.203": (400, "Failed due to a VPC error. Try again later or contact customer service."),
    "MRS.300": (500, "MRS system error. Try again later or contact customer service."),
    "MRS.00005016": (400, "The auto scaling policy does not exist."),
    "APIGW.0101": (404, "The API does not exist or has not been published in the environment"),
    "APIGW.0301": (401, SIGNATURE_FAIL),
    "APIGW.0302": (403, NOT_AUTHORIZED),
    "APIGW.0307": (401, TOKEN_EXPIRED),
    "APIGW.0308": (429, "The throttling threshold has been reached."),
}


def documented(code, detail=None):
    """The refusal with its documented status and message (and what the emulator adds about the case)."""
    status, message = KNOWN_ERRORS[code]
    return ApiError(status, code, message + (" " + detail if detail else ""))
