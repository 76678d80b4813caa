#pragma once
// Turning an AWS error reply into an aws::Error, one parser per protocol. Pure functions.
#include "spawn/aws/error.hpp"
#include "spawn/aws/http/transport.hpp"

namespace spawn::aws::protocol {

// EC2 query: <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>;
// other query services (SNS, STS, IAM): <ErrorResponse><Error><Code/><Message/></Error><RequestId/>.
Error parse_query_error(const http::Response& response);
// JSON 1.0/1.1: {"__type": "prefix#Code", "message"|"Message": ...}; x-amzn-RequestId header.
Error parse_json_error(const http::Response& response);
// S3 REST: <Error><Code/><Message/><RequestId/></Error>, or only the status for HEAD.
Error parse_rest_xml_error(const http::Response& response);

using ErrorParser = Error (*)(const http::Response&);

}  // namespace spawn::aws::protocol
