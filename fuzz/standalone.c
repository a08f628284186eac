/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replays fuzz inputs without libFuzzer, so every corpus file is a regression
 * test under gcc and the sanitizers (libgit2's fuzzers/standalone_driver.c).
 * Arguments are files or directories (read one level deep, in name order,
 * skipping dot files); each file is copied to a buffer of exactly its size,
 * so an overread past the input is caught by ASan.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#define INPUT_MAX_BYTES (16u << 20)

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	unsigned char *data = NULL;
	int rc = -1;

	if (!f || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
		goto cleanup;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > INPUT_MAX_BYTES) {
		fprintf(stderr, "fuzz-replay: %s: larger than %u bytes\n", path, INPUT_MAX_BYTES);
		goto cleanup;
	}
	size_t size = (size_t)st.st_size;
	data = xmalloc(size ? size : 1);
	if (fread(data, 1, size, f) != size) {
		fprintf(stderr, "fuzz-replay: %s: short read\n", path);
		goto cleanup;
	}
	LLVMFuzzerTestOneInput(data, size);
	rc = 0;
cleanup:
	free(data);
	if (f)
		fclose(f);
	return rc;
}

static int is_input(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Replays every regular file in dir; returns how many, or -1. */
static int replay_dir(const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, is_input, alphasort), count = 0;
	bool failed = false;
	if (n < 0) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			failed |= replay_file(path) < 0;
			count++;
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return failed ? -1 : count;
}

int main(int argc, char **argv)
{
	const char *target = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int total = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int n;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	printf("fuzz-replay %s: %d inputs ok\n", target, total);
	return 0;
}
