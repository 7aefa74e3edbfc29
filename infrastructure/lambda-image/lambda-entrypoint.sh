#!/bin/sh
# The image's entrypoint, laid out as in AWS's Lambda base images: the handler is its one argument. Under Lambda (or
# SAM, whose emulator sets AWS_LAMBDA_RUNTIME_API) it runs the runtime's bootstrap; alone (docker run -p 9000:8080
# IMAGE HANDLER) it runs the bootstrap under the Runtime Interface Emulator, which serves invocations on port 8080.
if [ $# -ne 1 ]; then
  echo "the entrypoint takes one argument: the function's handler" >&2
  exit 142
fi
export _HANDLER="$1"
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
  exec /usr/local/bin/aws-lambda-rie /var/runtime/bootstrap
fi
exec /var/runtime/bootstrap
