#!/usr/bin/env bash
# Writes a tiny one-layer OCI image layout (tag v1) to DIR, so a registry can be tried without Docker:
#   infrastructure/registry/sample-image.sh /tmp/hello && skopeo copy oci:/tmp/hello:v1 docker://HOST/NS/hello:v1
set -euo pipefail
dir=${1:?usage: sample-image.sh DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dir/blobs/sha256"

echo "hello from registry-tokens" >"$work/hello.txt"
tar -C "$work" --owner=0 --group=0 --mtime=@1700000000 -cf "$work/layer.tar" hello.txt
gzip -n -c "$work/layer.tar" >"$work/layer.tar.gz"
blob() { # store a file as a blob; print its digest and size
  local digest; digest=$(sha256sum "$1" | cut -d' ' -f1)
  cp "$1" "$dir/blobs/sha256/$digest"
  echo "$digest $(stat -c %s "$1")"
}
read -r layer layer_size < <(blob "$work/layer.tar.gz")
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/hello.txt"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$diff_id" >"$work/config.json"
read -r config config_size < <(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config" "$config_size" "$layer" "$layer_size" >"$work/manifest.json"
read -r manifest manifest_size < <(blob "$work/manifest.json")
printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
  "$manifest" "$manifest_size" >"$dir/index.json"
echo "wrote $dir (oci:$dir:v1)"
