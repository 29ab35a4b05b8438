/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "evg-json.h"

static gboolean
fail (EvgJsonReader *reader,
      const char    *what)
{
  if (reader->error == NULL)
    reader->error = what;
  return FALSE;
}

static void
skip_space (EvgJsonReader *reader)
{
  while (reader->p < reader->end &&
         (*reader->p == ' ' || *reader->p == '\n' || *reader->p == '\r' || *reader->p == '\t'))
    reader->p++;
}

void
evg_json_reader_init (EvgJsonReader *reader,
                      const char    *data,
                      gsize          length)
{
  memset (reader, 0, sizeof *reader);
  reader->start = reader->p = data != NULL ? data : "";
  reader->end = reader->start + (data != NULL ? length : 0);
}

gsize
evg_json_reader_offset (EvgJsonReader *reader)
{
  return (gsize) (reader->p - reader->start);
}

EvgJsonKind
evg_json_reader_peek (EvgJsonReader *reader)
{
  if (reader->error != NULL)
    return EVG_JSON_INVALID;
  skip_space (reader);
  if (reader->p >= reader->end)
    return EVG_JSON_INVALID;
  switch (*reader->p)
    {
    case '{': return EVG_JSON_OBJECT;
    case '[': return EVG_JSON_ARRAY;
    case '"': return EVG_JSON_STRING;
    case 'n': return EVG_JSON_NULL;
    case 't': case 'f': return EVG_JSON_BOOLEAN;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return EVG_JSON_NUMBER;
    default:
      return EVG_JSON_INVALID;
    }
}

static gboolean
expect (EvgJsonReader *reader,
        char           c,
        const char    *what)
{
  if (reader->error != NULL)
    return FALSE;
  skip_space (reader);
  if (reader->p >= reader->end || *reader->p != c)
    return fail (reader, reader->p >= reader->end ? "unexpected end of data" : what);
  reader->p++;
  return TRUE;
}

static gboolean
begin (EvgJsonReader *reader,
       char           open)
{
  if (!expect (reader, open, open == '{' ? "an object was expected" : "an array was expected"))
    return FALSE;
  if (reader->depth >= EVG_JSON_MAX_DEPTH)
    return fail (reader, "nested too deeply");
  reader->depth++;
  reader->fresh |= 1u << reader->depth;
  return TRUE;
}

gboolean
evg_json_reader_begin_object (EvgJsonReader *reader)
{
  return begin (reader, '{');
}

gboolean
evg_json_reader_begin_array (EvgJsonReader *reader)
{
  return begin (reader, '[');
}

/* Moves to the next member or element of the open container: TRUE when
 * there is one, FALSE at its end (closing it) or on an error. */
static gboolean
next (EvgJsonReader *reader,
      char           close)
{
  guint32 bit = 1u << reader->depth;

  if (reader->error != NULL)
    return FALSE;
  skip_space (reader);
  if (reader->p >= reader->end)
    return fail (reader, "unexpected end of data");
  if (*reader->p == close && (reader->fresh & bit) != 0)
    {
      reader->p++;
      reader->depth--;
      return FALSE;
    }
  if ((reader->fresh & bit) != 0)
    {
      reader->fresh &= ~bit;
      return TRUE;
    }
  if (*reader->p == close)
    {
      reader->p++;
      reader->depth--;
      return FALSE;
    }
  if (*reader->p != ',')
    return fail (reader, close == '}' ? "“,” or “}” was expected" : "“,” or “]” was expected");
  reader->p++;
  skip_space (reader);
  if (reader->p < reader->end && *reader->p == close)
    return fail (reader, "a comma before the end of a list");
  return TRUE;
}

gboolean
evg_json_reader_next_member (EvgJsonReader *reader,
                             GString       *name)
{
  if (!next (reader, '}'))
    return FALSE;
  if (evg_json_reader_peek (reader) != EVG_JSON_STRING)
    return fail (reader, "a member name was expected");
  return evg_json_reader_read_string (reader, name) &&
         expect (reader, ':', "“:” was expected");
}

gboolean
evg_json_reader_next_element (EvgJsonReader *reader)
{
  return next (reader, ']');
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (EvgJsonReader *reader,
           gunichar      *out)
{
  gunichar value = 0;

  if (reader->end - reader->p < 4)
    return fail (reader, "unexpected end of data");
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_digit (reader->p[i]);

      if (digit < 0)
        return fail (reader, "a bad \\u escape");
      value = value * 16 + (gunichar) digit;
    }
  reader->p += 4;
  *out = value;
  return TRUE;
}

static gboolean
read_escape (EvgJsonReader *reader,
             GString       *out)
{
  gunichar c;
  char plain;

  if (reader->p >= reader->end)
    return fail (reader, "unexpected end of data");
  switch (*reader->p++)
    {
    case '"':  plain = '"'; break;
    case '\\': plain = '\\'; break;
    case '/':  plain = '/'; break;
    case 'b':  plain = '\b'; break;
    case 'f':  plain = '\f'; break;
    case 'n':  plain = '\n'; break;
    case 'r':  plain = '\r'; break;
    case 't':  plain = '\t'; break;
    case 'u':
      if (!read_hex4 (reader, &c))
        return FALSE;
      if (c >= 0xDC00 && c <= 0xDFFF)
        return fail (reader, "a lone low surrogate");
      if (c >= 0xD800 && c <= 0xDBFF)
        {
          gunichar low;

          if (reader->end - reader->p < 2 || reader->p[0] != '\\' || reader->p[1] != 'u')
            return fail (reader, "a lone high surrogate");
          reader->p += 2;
          if (!read_hex4 (reader, &low))
            return FALSE;
          if (low < 0xDC00 || low > 0xDFFF)
            return fail (reader, "a lone high surrogate");
          c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        }
      /* Text in C ends at the first NUL: a string holding one could not
       * be stored or compared faithfully, so it is refused. */
      if (c == 0)
        return fail (reader, "a NUL character in a string");
      if (out != NULL)
        g_string_append_unichar (out, c);
      return TRUE;
    default:
      return fail (reader, "an unknown escape");
    }
  if (out != NULL)
    g_string_append_c (out, plain);
  return TRUE;
}

/* Reads a string; with a NULL @out it is only checked. */
gboolean
evg_json_reader_read_string (EvgJsonReader *reader,
                             GString       *out)
{
  if (!expect (reader, '"', "a string was expected"))
    return FALSE;
  if (out != NULL)
    {
      out->len = 0;
      out->str[0] = '\0';
    }
  reader->string_start = reader->p - 1;
  reader->string_escaped = FALSE;

  for (;;)
    {
      const char *run = reader->p;
      const char *bad_byte = NULL;

      while (reader->p < reader->end)
        {
          guchar c = (guchar) *reader->p;

          if (c == '"' || c == '\\' || c < 0x20)
            break;
          reader->p++;
        }
      if (reader->p > run && !g_utf8_validate (run, reader->p - run, &bad_byte))
        {
          /* A run may end inside a character only where an escape or the
           * closing quote follows, which no valid character allows. */
          reader->p = bad_byte;
          return fail (reader, "text that is not UTF-8");
        }
      if (out != NULL)
        evg_string_append_len (out, run, (gsize) (reader->p - run));
      if (reader->p >= reader->end)
        return fail (reader, "unexpected end of data");
      if (*reader->p == '"')
        {
          reader->p++;
          reader->string_end = reader->p;
          return TRUE;
        }
      if (*reader->p != '\\')
        return fail (reader, "a control character in a string");
      reader->p++;
      reader->string_escaped = TRUE;
      if (!read_escape (reader, out))
        return FALSE;
    }
}

/* Checks the number grammar and moves past it; *whole says whether it has
 * neither fraction nor exponent. */
static gboolean
scan_number (EvgJsonReader *reader,
             gboolean      *whole)
{
  const char *p = reader->p;

  *whole = TRUE;
  if (p < reader->end && *p == '-')
    p++;
  if (p >= reader->end || !g_ascii_isdigit (*p))
    return fail (reader, "a number was expected");
  if (*p == '0')
    p++;
  else
    while (p < reader->end && g_ascii_isdigit (*p))
      p++;
  if (p < reader->end && *p == '.')
    {
      *whole = FALSE;
      p++;
      if (p >= reader->end || !g_ascii_isdigit (*p))
        return fail (reader, "a digit was expected after “.”");
      while (p < reader->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < reader->end && (*p == 'e' || *p == 'E'))
    {
      *whole = FALSE;
      p++;
      if (p < reader->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= reader->end || !g_ascii_isdigit (*p))
        return fail (reader, "a digit was expected in an exponent");
      while (p < reader->end && g_ascii_isdigit (*p))
        p++;
    }
  reader->p = p;
  return TRUE;
}

/* Reads any number; *is_int says whether it was a whole number that fits
 * in 64 bits (then *out holds it).  Anything else is still valid JSON. */
gboolean
evg_json_reader_read_number (EvgJsonReader *reader,
                             gint64        *out,
                             gboolean      *is_int)
{
  const char *start;
  gboolean whole, negative;
  guint64 value = 0;

  *is_int = FALSE;
  *out = 0;
  if (evg_json_reader_peek (reader) != EVG_JSON_NUMBER)
    return fail (reader, "a number was expected");
  start = reader->p;
  if (!scan_number (reader, &whole))
    return FALSE;
  if (!whole)
    return TRUE;

  negative = *start == '-';
  for (const char *p = start + (negative ? 1 : 0); p < reader->p; p++)
    {
      guint digit = (guint) (*p - '0');

      if (value > (G_MAXUINT64 - digit) / 10)
        return TRUE;
      value = value * 10 + digit;
    }
  if (negative ? value > (guint64) G_MAXINT64 + 1 : value > (guint64) G_MAXINT64)
    return TRUE;
  *out = negative ? (gint64) (0 - value) : (gint64) value;
  *is_int = TRUE;
  return TRUE;
}

gboolean
evg_json_reader_read_int (EvgJsonReader *reader,
                          gint64        *out)
{
  gboolean is_int;

  if (!evg_json_reader_read_number (reader, out, &is_int))
    return FALSE;
  return is_int || fail (reader, "a whole number was expected");
}

static gboolean
literal (EvgJsonReader *reader,
         const char    *word)
{
  gsize len = strlen (word);

  if ((gsize) (reader->end - reader->p) < len || memcmp (reader->p, word, len) != 0)
    return fail (reader, reader->end - reader->p < (gssize) len ? "unexpected end of data"
                                                                 : "an unknown word");
  reader->p += len;
  return TRUE;
}

gboolean
evg_json_reader_read_boolean (EvgJsonReader *reader,
                              gboolean      *out)
{
  if (evg_json_reader_peek (reader) != EVG_JSON_BOOLEAN)
    return fail (reader, "true or false was expected");
  *out = *reader->p == 't';
  return literal (reader, *out ? "true" : "false");
}

gboolean
evg_json_reader_read_null (EvgJsonReader *reader)
{
  if (evg_json_reader_peek (reader) != EVG_JSON_NULL)
    return fail (reader, "null was expected");
  return literal (reader, "null");
}

gboolean
evg_json_reader_skip (EvgJsonReader *reader)
{
  gboolean flag;
  guint depth;

  switch (evg_json_reader_peek (reader))
    {
    case EVG_JSON_NULL:
      return evg_json_reader_read_null (reader);
    case EVG_JSON_BOOLEAN:
      return evg_json_reader_read_boolean (reader, &flag);
    case EVG_JSON_NUMBER:
      return scan_number (reader, &flag);
    case EVG_JSON_STRING:
      return evg_json_reader_read_string (reader, NULL);
    case EVG_JSON_OBJECT:
      {
        g_autoptr(GString) name = g_string_new (NULL);

        if (!evg_json_reader_begin_object (reader))
          return FALSE;
        depth = reader->depth;
        while (evg_json_reader_next_member (reader, name))
          if (!evg_json_reader_skip (reader))
            return FALSE;
        return reader->error == NULL && reader->depth == depth - 1;
      }
    case EVG_JSON_ARRAY:
      if (!evg_json_reader_begin_array (reader))
        return FALSE;
      depth = reader->depth;
      while (evg_json_reader_next_element (reader))
        if (!evg_json_reader_skip (reader))
          return FALSE;
      return reader->error == NULL && reader->depth == depth - 1;
    case EVG_JSON_INVALID:
    default:
      return fail (reader, reader->p >= reader->end ? "unexpected end of data" : "a value was expected");
    }
}

/* TRUE when only white space is left and every container was closed. */
gboolean
evg_json_reader_end (EvgJsonReader *reader)
{
  if (reader->error != NULL)
    return FALSE;
  if (reader->depth != 0)
    return fail (reader, "unexpected end of data");
  skip_space (reader);
  if (reader->p != reader->end)
    return fail (reader, "text after the end of the data");
  return TRUE;
}
