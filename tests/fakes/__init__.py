"""Fakes started by the tests: the metadata service fake (imds_fake) and the local AWS."""
