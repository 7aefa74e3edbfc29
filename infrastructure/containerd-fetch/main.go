// containerd-fetch resolves an image reference and fetches its manifest and first layer through containerd's own
// registry client (core/remotes/docker), logging in with static credentials, as containerd, BuildKit and nerdctl do.
// It prints one line per request to the token realm (method, path, status; never a body, header or credential), so
// a test can see whether the OAuth2 POST was answered or containerd fell back to GET.
//
// Usage: REGISTRY_USERNAME=... REGISTRY_PASSWORD=... containerd-fetch HOST:PORT/REPOSITORY:TAG (plain HTTP)
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/containerd/containerd/v2/core/remotes"
	"github.com/containerd/containerd/v2/core/remotes/docker"
	"github.com/containerd/containerd/v2/pkg/reference"
	digest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// tokenRealmRecorder prints every request that leaves for a host other than the registry's: the token realm.
type tokenRealmRecorder struct {
	registryHost string
	next         http.RoundTripper
}

func (r tokenRealmRecorder) RoundTrip(request *http.Request) (*http.Response, error) {
	response, err := r.next.RoundTrip(request)
	if request.URL.Host != r.registryHost {
		if err != nil {
			fmt.Printf("token-request %s %s error\n", request.Method, request.URL.Path)
		} else {
			fmt.Printf("token-request %s %s %d\n", request.Method, request.URL.Path, response.StatusCode)
		}
	}
	return response, err
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: REGISTRY_USERNAME=... REGISTRY_PASSWORD=... containerd-fetch HOST:PORT/REPOSITORY:TAG")
		os.Exit(2)
	}
	if err := fetch(os.Args[1], os.Getenv("REGISTRY_USERNAME"), os.Getenv("REGISTRY_PASSWORD")); err != nil {
		fmt.Fprintln(os.Stderr, "containerd-fetch:", err)
		os.Exit(1)
	}
}

func fetch(ref, username, password string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	spec, err := reference.Parse(ref)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: tokenRealmRecorder{registryHost: spec.Hostname(), next: http.DefaultTransport}}
	authorizer := docker.NewDockerAuthorizer(
		docker.WithAuthClient(client),
		docker.WithAuthCreds(func(string) (string, string, error) { return username, password, nil }))
	resolver := docker.NewResolver(docker.ResolverOptions{Hosts: docker.ConfigureDefaultRegistries(
		docker.WithClient(client),
		docker.WithAuthorizer(authorizer),
		docker.WithPlainHTTP(docker.MatchAllHosts))})

	name, manifestDescriptor, err := resolver.Resolve(ctx, ref)
	if err != nil {
		return fmt.Errorf("resolve: %w", err)
	}
	fetcher, err := resolver.Fetcher(ctx, name)
	if err != nil {
		return err
	}
	manifestBytes, err := fetchVerified(ctx, fetcher, manifestDescriptor)
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	fmt.Printf("manifest %s\n", manifestDescriptor.Digest)
	var manifest ocispec.Manifest
	if err := json.Unmarshal(manifestBytes, &manifest); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if len(manifest.Layers) == 0 {
		return fmt.Errorf("manifest %s has no layer", manifestDescriptor.Digest)
	}
	if _, err := fetchVerified(ctx, fetcher, manifest.Layers[0]); err != nil {
		return fmt.Errorf("layer: %w", err)
	}
	fmt.Printf("blob %s %d\n", manifest.Layers[0].Digest, manifest.Layers[0].Size)
	return nil
}

// fetchVerified reads a descriptor's content and checks it against the descriptor's digest.
func fetchVerified(ctx context.Context, fetcher remotes.Fetcher, descriptor ocispec.Descriptor) ([]byte, error) {
	content, err := fetcher.Fetch(ctx, descriptor)
	if err != nil {
		return nil, err
	}
	defer content.Close()
	bytes, err := io.ReadAll(content)
	if err != nil {
		return nil, err
	}
	if actual := digest.FromBytes(bytes); actual != descriptor.Digest {
		return nil, fmt.Errorf("digest %s, expected %s", actual, descriptor.Digest)
	}
	return bytes, nil
}
