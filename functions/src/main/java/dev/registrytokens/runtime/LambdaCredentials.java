package dev.registrytokens.runtime;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

/**
 * The credentials Lambda hands an execution environment, one provider for every client: environment variables for
 * on-demand functions; the container endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} with
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}) for SnapStart ones, which get no key variables. No probing of profiles or
 * instance metadata.
 */
public final class LambdaCredentials implements AwsCredentialsProvider {
    /** The one provider of this execution environment: what {@link SnapStart} forgets before a snapshot. */
    public static final LambdaCredentials INSTANCE = new LambdaCredentials();

    private volatile AwsCredentialsProviderChain chain = newChain();

    private LambdaCredentials() {
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return chain.resolveCredentials();
    }

    /** Drops whatever was fetched and cached: the next call fetches afresh. */
    public void forget() {
        AwsCredentialsProviderChain fetched = chain;
        chain = newChain();
        fetched.close();
    }

    private static AwsCredentialsProviderChain newChain() {
        return AwsCredentialsProviderChain.of(EnvironmentVariableCredentialsProvider.create(),
                ContainerCredentialsProvider.builder().build());
    }
}
