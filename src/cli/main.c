/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "evg-cli.h"

int
main (int    argc,
      char **argv)
{
  return evg_cli_run (argc, argv);
}
