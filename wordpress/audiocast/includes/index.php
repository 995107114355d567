<?php
/**
 * The post index that `audiocast build` publishes at <base_url>wordpress/<source>.json: which
 * posts have an episode. Fetched by WP-Cron every ten minutes (and soon after the settings
 * change), validated, and kept in options; a page view only reads them, never the network. A
 * failed fetch keeps the last good index.
 *
 * Kept as a small head (the host, the source, the player's files; autoloaded) and the posts in
 * AUDIOCAST_SHARDS options by post id: a site of 20 000 voiced posts has an index of ~10 MB
 * serialized, which one option would make every post page read and unserialize (~25 ms here);
 * a shard is 1/128 of it, read with one query when a post page asks for its episode.
 *
 * @package Audiocast
 */

defined( 'ABSPATH' ) || exit;

// the biggest index read (a site of 20 000 voiced posts is about 8 MB)
define( 'AUDIOCAST_INDEX_MAX_BYTES', 16 * 1024 * 1024 );

add_filter( 'cron_schedules', 'audiocast_cron_schedules' );
add_action( AUDIOCAST_CRON_HOOK, 'audiocast_refresh_index' );

/**
 * The ten-minute schedule.
 *
 * @param array $schedules WordPress's schedules.
 * @return array
 */
function audiocast_cron_schedules( $schedules ) {
	$schedules[ AUDIOCAST_CRON_SCHEDULE ] = array(
		'interval' => 10 * MINUTE_IN_SECONDS,
		'display'  => __( 'Каждые 10 минут', 'audiocast' ),
	);
	return $schedules;
}

/**
 * The recurring refresh, unless it is scheduled already.
 */
function audiocast_schedule_refresh() {
	if ( ! wp_next_scheduled( AUDIOCAST_CRON_HOOK ) ) {
		wp_schedule_event( time(), AUDIOCAST_CRON_SCHEDULE, AUDIOCAST_CRON_HOOK );
	}
}

/**
 * A refresh as soon as WP-Cron next runs. Its own argument, so that WordPress does not take
 * it for a duplicate of the recurring event (events of one hook and the same arguments within
 * ten minutes of each other are refused).
 */
function audiocast_refresh_soon() {
	if ( ! wp_next_scheduled( AUDIOCAST_CRON_HOOK, array( 'settings' ) ) ) {
		wp_schedule_single_event( time(), AUDIOCAST_CRON_HOOK, array( 'settings' ) );
	}
}

/**
 * A refresh AUDIOCAST_DESK_LAG seconds from now, after the desk was asked for a sync. Its
 * argument names the minute, so that posts published minutes apart each get theirs (WordPress
 * refuses an event of the same hook and arguments within ten minutes of another), and a burst
 * of them within one minute gets one.
 */
function audiocast_refresh_after_desk() {
	$when = time() + AUDIOCAST_DESK_LAG;
	$args = array( 'desk-' . gmdate( 'YmdHi', $when ) );
	if ( ! wp_next_scheduled( AUDIOCAST_CRON_HOOK, $args ) ) {
		wp_schedule_single_event( $when, AUDIOCAST_CRON_HOOK, $args );
	}
}

/**
 * The index's URL for the settings, or '' when they do not name one.
 *
 * @param array $settings The settings.
 * @return string
 */
function audiocast_index_url( $settings ) {
	if ( '' === $settings['base_url'] || '' === $settings['source'] ) {
		return '';
	}
	return $settings['base_url'] . 'wordpress/' . rawurlencode( $settings['source'] ) . '.json';
}

/**
 * The cron job: fetch, validate, store. Records what happened for the settings page.
 */
function audiocast_refresh_index() {
	if ( get_transient( AUDIOCAST_REFRESH_LOCK ) ) {
		return;
	}
	// held while the index and the lists are fetched (the lists: up to ~200 requests); a
	// refresh that died leaves it to expire
	set_transient( AUDIOCAST_REFRESH_LOCK, 1, 5 * MINUTE_IN_SECONDS );
	$settings = audiocast_settings();
	$result   = audiocast_fetch_index( $settings );
	$status   = array(
		'checked' => time(),
		'error'   => '',
		'posts'   => 0,
	);
	if ( is_wp_error( $result ) ) {
		$status['error'] = $result->get_error_message();
	} else {
		$status['posts'] = count( $result['posts'] );
		audiocast_store_index( $result );
	}
	$status = array_merge( $status, audiocast_refresh_failures( get_option( AUDIOCAST_INDEX_STATUS ) ) );
	update_option( AUDIOCAST_INDEX_STATUS, $status, false );
	audiocast_refresh_lists(); // lists.php: under the same lock
	delete_transient( AUDIOCAST_REFRESH_LOCK );
}

/**
 * The desk's failures for the status option (includes/desk.php): none without a desk, the
 * last good ones when it does not answer (and why, in 'desk_error').
 *
 * @param mixed $old The status stored before.
 * @return array Its 'failures' and 'desk_error'.
 */
function audiocast_refresh_failures( $old ) {
	$failures = audiocast_fetch_failures();
	if ( is_wp_error( $failures ) ) {
		return array(
			'failures'   => is_array( $old ) && isset( $old['failures'] ) ? $old['failures'] : array(),
			'desk_error' => $failures->get_error_message(),
		);
	}
	return array(
		'failures'   => null === $failures ? array() : $failures,
		'desk_error' => '',
	);
}

/**
 * The index for SETTINGS, read from the podcast host and validated.
 *
 * @param array $settings The settings.
 * @return array|WP_Error
 */
function audiocast_fetch_index( $settings ) {
	$url = audiocast_index_url( $settings );
	if ( '' === $url ) {
		return new WP_Error( 'audiocast_unset', __( 'не заданы адрес подкаста и имя источника.', 'audiocast' ) );
	}
	$data = audiocast_get_json( $url, AUDIOCAST_INDEX_MAX_BYTES );
	return is_wp_error( $data ) ? $data : audiocast_validate_index( $data, $settings );
}

/**
 * The decoded JSON at URL (on the podcast host), read whole only when it is at most MAX_BYTES,
 * or why not: what the index and the lists (lists.php) are both fetched with.
 *
 * @param string $url       A URL under the podcast host.
 * @param int    $max_bytes The largest answer read.
 * @return mixed|WP_Error
 */
function audiocast_get_json( $url, $max_bytes ) {
	$response = wp_remote_get(
		$url,
		array(
			'timeout'             => 10,
			'redirection'         => 2,
			'limit_response_size' => $max_bytes + 1,
			'headers'             => array( 'Accept' => 'application/json' ),
		)
	);
	if ( is_wp_error( $response ) ) {
		return $response;
	}
	$code = (int) wp_remote_retrieve_response_code( $response );
	if ( 200 !== $code ) {
		/* translators: %d: HTTP status */
		return new WP_Error( 'audiocast_http', sprintf( __( 'сервер подкаста ответил %d.', 'audiocast' ), $code ) );
	}
	$body = wp_remote_retrieve_body( $response );
	if ( strlen( $body ) > $max_bytes ) {
		return new WP_Error( 'audiocast_size', __( 'ответ сервера подкаста слишком велик.', 'audiocast' ) );
	}
	return json_decode( $body, true );
}

/**
 * The index reduced to what the plugin uses, every URL under the podcast host; posts whose
 * entry is not valid are left out, an index that is not one is refused.
 *
 * @param mixed $data     The decoded JSON.
 * @param array $settings The settings it was fetched for.
 * @return array|WP_Error
 */
function audiocast_validate_index( $data, $settings ) {
	$base = $settings['base_url'];
	if ( ! is_array( $data ) || 1 !== ( $data['version'] ?? null ) || ! isset( $data['posts'], $data['player'] )
		|| ! is_array( $data['posts'] ) || ! is_array( $data['player'] )
		|| ( $data['source'] ?? null ) !== $settings['source'] ) {
		return new WP_Error( 'audiocast_invalid', __( 'это не индекс эпизодов audiocast (версия 1) для этого источника.', 'audiocast' ) );
	}
	$player = audiocast_validate_player( $data['player'], $base );
	if ( null === $player ) {
		return new WP_Error( 'audiocast_player', __( 'адреса плеера в индексе не на сервере подкаста.', 'audiocast' ) );
	}
	$posts = array();
	foreach ( $data['posts'] as $id => $entry ) {
		$clean = audiocast_validate_entry( $entry, $base );
		if ( null !== $clean && preg_match( '/^[1-9][0-9]{0,19}$/', (string) $id ) ) {
			$posts[ (int) $id ] = $clean;
		}
	}
	return array(
		'base_url' => $base,
		'source'   => $settings['source'],
		'player'   => $player,
		'posts'    => $posts,
	);
}

/**
 * The 'player' of an index or of the lists: its 'js' and 'css' URLs, both under the podcast
 * host BASE, or null.
 *
 * @param mixed  $player The decoded 'player'.
 * @param string $base   The podcast host's URL.
 * @return array|null
 */
function audiocast_validate_player( $player, $base ) {
	$js  = audiocast_url_under( $player['js'] ?? null, $base );
	$css = audiocast_url_under( $player['css'] ?? null, $base );
	return null === $js || null === $css ? null : array(
		'js'  => $js,
		'css' => $css,
	);
}

/**
 * One post's episode, or null when it is not valid.
 *
 * @param mixed  $entry The entry.
 * @param string $base  The podcast host's URL.
 * @return array|null
 */
function audiocast_validate_entry( $entry, $base ) {
	if ( ! is_array( $entry ) ) {
		return null;
	}
	$audio = audiocast_url_under( $entry['audio'] ?? null, $base );
	$page  = audiocast_url_under( $entry['page'] ?? null, $base );
	$texts = array();
	foreach ( array( 'episode', 'title', 'duration_text', 'published', 'show' ) as $key ) {
		$value = $entry[ $key ] ?? '';
		if ( ! is_string( $value ) || strlen( $value ) > 1000 ) {
			return null;
		}
		$texts[ $key ] = $value;
	}
	// the show's title, for the player (indexes before it came only with the slug)
	$title               = $entry['show_title'] ?? $texts['show'];
	$texts['show_title'] = is_string( $title ) && '' !== $title && strlen( $title ) <= 1000 ? $title : $texts['show'];
	$duration            = $entry['duration'] ?? null;
	if ( null === $audio || null === $page || ! preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $texts['episode'] )
		|| ! ( is_int( $duration ) || is_float( $duration ) ) || $duration < 0
		|| ! preg_match( '/^[0-9]{1,3}(:[0-9]{2}){1,2}$/', $texts['duration_text'] ) ) {
		return null;
	}
	return array_merge( $texts, array(
		'audio'    => $audio,
		'page'     => $page,
		'duration' => (float) $duration,
	) );
}

/**
 * URL when it is an http(s) URL under BASE, else null.
 *
 * @param mixed  $url  A value from the index.
 * @param string $base The podcast host's URL (with its trailing slash).
 * @return string|null
 */
function audiocast_url_under( $url, $base ) {
	if ( ! is_string( $url ) || '' === $base || 0 !== strpos( $url, $base ) || strlen( $url ) > 2000
		|| preg_match( '/[\s"\'<>\\\\]|\/\.\.?(\/|$)/', $url ) ) {
		return null;
	}
	return $url;
}

/**
 * Keep a validated INDEX: the posts shard by shard (update_option writes only a shard that
 * changed), then the head. A page drawn in between finds at worst one post's old episode.
 *
 * @param array $index From audiocast_validate_index().
 */
function audiocast_store_index( $index ) {
	$shards = array_fill( 0, AUDIOCAST_SHARDS, array() );
	foreach ( $index['posts'] as $id => $entry ) {
		$shards[ $id % AUDIOCAST_SHARDS ][ $id ] = $entry;
	}
	foreach ( $shards as $number => $posts ) {
		update_option( AUDIOCAST_SHARD . $number, $posts, false );
	}
	$head          = $index;
	$head['posts'] = count( $index['posts'] );
	update_option( AUDIOCAST_INDEX, $head, true );
}

/**
 * The stored index's head (host, source, player, number of posts) when it belongs to the
 * current settings, else null (nothing shown until the index of a changed host or source is
 * fetched).
 *
 * @return array|null
 */
function audiocast_current_index() {
	$index    = get_option( AUDIOCAST_INDEX );
	$settings = audiocast_settings();
	if ( ! is_array( $index ) || ( $index['base_url'] ?? '' ) !== $settings['base_url']
		|| ( $index['source'] ?? '' ) !== $settings['source'] || '' === $settings['base_url'] ) {
		return null;
	}
	return $index;
}

/**
 * The episode of post POST_ID, or null: from its shard.
 *
 * @param int $post_id A post id.
 * @return array|null
 */
function audiocast_episode_for( $post_id ) {
	$post_id = (int) $post_id;
	if ( $post_id < 1 || null === audiocast_current_index() ) {
		return null;
	}
	$shard = get_option( AUDIOCAST_SHARD . ( $post_id % AUDIOCAST_SHARDS ) );
	return is_array( $shard ) && isset( $shard[ $post_id ] ) && is_array( $shard[ $post_id ] ) ? $shard[ $post_id ] : null;
}
