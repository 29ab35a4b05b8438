/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>

/* A bare SoupServer of the kind e-vanguard-server was built on until
 * libmicrohttpd replaced it: it answers every request with a small JSON
 * body on 127.0.0.1 and prints its port.  bench-server-hangup.py counts
 * what it keeps of clients that hang up. */

static void
answer (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  static const char body[] = "{\"service\":\"bare-soup\"}";

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    body, sizeof body - 1);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) listeners = NULL;
  g_autoptr(GSocketAddress) address = NULL;

  soup_server_add_handler (server, NULL, answer, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  listeners = soup_server_get_listeners (server);
  address = g_socket_get_local_address (listeners->data, NULL);
  g_print ("listening on http://127.0.0.1:%u/\n",
           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  fflush (stdout);
  g_main_loop_run (loop);
  return 0;
}
