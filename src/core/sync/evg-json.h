/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/* A strict, streaming JSON reader for the sync protocol's large bodies.
 *
 * A first sync moves a hundred thousand changes of twenty fields each; as
 * a json-glib tree that is millions of nodes and hash tables made and freed
 * again, which measured about half of the time on both sides.  This reader
 * walks the text once and hands out members and values as they come, so
 * the protocol can keep a change's fields as the text it stores anyway.
 *
 * It accepts exactly RFC 8259 JSON in UTF-8, nested at most
 * EVG_JSON_MAX_DEPTH deep (nothing in the protocol nests deeper, and a
 * bounded depth keeps a hostile body from exhausting the stack).  The first
 * error stops it: every later call returns FALSE and `error` says what and
 * evg_json_reader_offset() where. */

#define EVG_JSON_MAX_DEPTH 8

typedef enum
{
  EVG_JSON_INVALID,
  EVG_JSON_NULL,
  EVG_JSON_BOOLEAN,
  EVG_JSON_NUMBER,
  EVG_JSON_STRING,
  EVG_JSON_OBJECT,
  EVG_JSON_ARRAY,
} EvgJsonKind;

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  guint       depth;
  guint32     fresh;      /* bit n: the container at depth n has no member yet */
  const char *error;      /* static text, NULL while all is well */
  /* The last string read, as it stands in the data, quotes included: a
   * caller that writes it out again may copy it when it has no escapes. */
  const char *string_start;
  const char *string_end;
  gboolean    string_escaped;  /* whether it held an escape */
} EvgJsonReader;

/* g_string_append_len() for the paths that read and write a sync body's
 * text: in GLib 2.74 every append is a call into g_string_insert_len(),
 * which weighed as much as copying the bytes themselves. */
static inline void
evg_string_append_len (GString    *string,
                       const char *text,
                       gsize       len)
{
  if (G_LIKELY (string->len + len < string->allocated_len))
    {
      memcpy (string->str + string->len, text, len);
      string->len += len;
      string->str[string->len] = '\0';
    }
  else
    g_string_append_len (string, text, (gssize) len);
}

void         evg_json_reader_init          (EvgJsonReader *reader,
                                            const char    *data,
                                            gsize          length);
EvgJsonKind  evg_json_reader_peek          (EvgJsonReader *reader);
gboolean     evg_json_reader_begin_object  (EvgJsonReader *reader);
gboolean     evg_json_reader_next_member   (EvgJsonReader *reader,
                                            GString       *name);
gboolean     evg_json_reader_begin_array   (EvgJsonReader *reader);
gboolean     evg_json_reader_next_element  (EvgJsonReader *reader);
gboolean     evg_json_reader_read_string   (EvgJsonReader *reader,
                                            GString       *out);
gboolean     evg_json_reader_read_int      (EvgJsonReader *reader,
                                            gint64        *out);
gboolean     evg_json_reader_read_number   (EvgJsonReader *reader,
                                            gint64        *out,
                                            gboolean      *is_int);
gboolean     evg_json_reader_read_boolean  (EvgJsonReader *reader,
                                            gboolean      *out);
gboolean     evg_json_reader_read_null     (EvgJsonReader *reader);
gboolean     evg_json_reader_skip          (EvgJsonReader *reader);
gboolean     evg_json_reader_end           (EvgJsonReader *reader);
gsize        evg_json_reader_offset        (EvgJsonReader *reader);

G_END_DECLS
