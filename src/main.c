/* SPDX-License-Identifier: Apache-2.0 */
/* argv → the CLI command table; nothing else. */
#include "base/common.h"

#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
