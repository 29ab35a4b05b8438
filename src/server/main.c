/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "evg-server.h"

int
main (int    argc,
      char **argv)
{
  return evg_server_main (argc, argv);
}
