/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-server"

#include "config.h"

#include "evg-server-rate.h"

/* A bucket per address rather than a count per clock hour: a burst at the
 * end of one hour and the start of the next is still one hour's worth.
 * Buckets that have filled up again say nothing a new bucket would not,
 * so they are dropped when the table grows; the table then holds only the
 * addresses active within the last hour, however many pass by. */

#define PRUNE_AT 4096

typedef struct
{
  double tokens;
  gint64 at;      /* monotonic µs of the last fill */
} Bucket;

struct _EvgRateLimiter
{
  GMutex      lock;
  GHashTable *buckets;   /* address → Bucket */
  double      capacity;
  double      per_us;    /* tokens added per microsecond */
  guint       prune_at;
};

EvgRateLimiter *
evg_rate_limiter_new (guint per_hour)
{
  EvgRateLimiter *self;

  g_return_val_if_fail (per_hour > 0, NULL);

  self = g_new0 (EvgRateLimiter, 1);
  g_mutex_init (&self->lock);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->capacity = per_hour;
  self->per_us = per_hour / (3600.0 * G_USEC_PER_SEC);
  self->prune_at = PRUNE_AT;
  return self;
}

void
evg_rate_limiter_free (EvgRateLimiter *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->buckets);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static void
fill (EvgRateLimiter *self,
      Bucket         *bucket,
      gint64          now_us)
{
  if (now_us > bucket->at)
    bucket->tokens = MIN (self->capacity, bucket->tokens + (now_us - bucket->at) * self->per_us);
  bucket->at = MAX (bucket->at, now_us);
}

static void
prune (EvgRateLimiter *self,
       gint64          now_us)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->buckets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      fill (self, value, now_us);
      if (((Bucket *) value)->tokens >= self->capacity)
        g_hash_table_iter_remove (&iter);
    }
  /* Still this full: many addresses within the hour.  Prune again only
   * when the table has doubled, so the cost per call stays constant. */
  self->prune_at = MAX (PRUNE_AT, 2 * g_hash_table_size (self->buckets));
}

/**
 * evg_rate_limiter_take:
 * @key: the client's address (or its network, see evg-server.c)
 *
 * Returns: whether @key may go ahead now; if so, it has used one token
 */
gboolean
evg_rate_limiter_take (EvgRateLimiter *self,
                       const char     *key,
                       gint64          now_us)
{
  Bucket *bucket;
  gboolean allowed;

  g_return_val_if_fail (self != NULL && key != NULL, FALSE);

  g_mutex_lock (&self->lock);
  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket == NULL)
    {
      if (g_hash_table_size (self->buckets) >= self->prune_at)
        prune (self, now_us);
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = self->capacity;
      bucket->at = now_us;
      g_hash_table_insert (self->buckets, g_strdup (key), bucket);
    }
  fill (self, bucket, now_us);
  allowed = bucket->tokens >= 1.0;
  if (allowed)
    bucket->tokens -= 1.0;
  g_mutex_unlock (&self->lock);
  return allowed;
}

guint
evg_rate_limiter_size (EvgRateLimiter *self)
{
  guint size;

  g_mutex_lock (&self->lock);
  size = g_hash_table_size (self->buckets);
  g_mutex_unlock (&self->lock);
  return size;
}
