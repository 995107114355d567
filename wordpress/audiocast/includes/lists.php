<?php
/**
 * The Podcast List and a show's Episode List inside the site's own theme: the shortcodes
 * [audiocast_podcasts] and [audiocast_episodes show="slug" per_page="10"], and the blocks
 * audiocast/podcasts and audiocast/episodes, which render through the same functions.
 *
 * Their data is what `audiocast build` publishes for the plugin: <base_url>wordpress/shows.json
 * and each show's list pages, wordpress/shows/<slug>/<n>.json. The index's WP-Cron refresh
 * fetches shows.json and the newest AUDIOCAST_LISTS_PAGES pages of each show, validates them
 * (every URL under the podcast host) and keeps them in an option; rendering only reads it.
 * A page of a list beyond what is cached links to the podcast host's own Episode List page
 * that holds those episodes, instead of fetching during a page view.
 *
 * @package Audiocast
 */

defined( 'ABSPATH' ) || exit;

define( 'AUDIOCAST_LISTS_PAGES', 4 ); // list pages kept per show: 40 to 80 episodes at 10 a page
define( 'AUDIOCAST_LISTS_MAX_SHOWS', 50 );
define( 'AUDIOCAST_LISTS_MAX_BYTES', 2 * 1024 * 1024 );
define( 'AUDIOCAST_LISTS_MAX_PER_PAGE', 50 );

add_action( 'init', 'audiocast_register_lists' );
add_action( 'wp_enqueue_scripts', 'audiocast_lists_enqueue_early' );

/**
 * The shortcodes, the blocks (each from its block.json) and the blocks' editor script, which
 * needs no build step: it shows the server's rendering (ServerSideRender).
 */
function audiocast_register_lists() {
	add_shortcode( 'audiocast_podcasts', 'audiocast_render_podcasts' );
	add_shortcode( 'audiocast_episodes', 'audiocast_episodes_shortcode' );
	wp_register_script(
		'audiocast-lists-editor',
		plugins_url( 'blocks/editor.js', AUDIOCAST_FILE ),
		array( 'wp-blocks', 'wp-element', 'wp-components', 'wp-block-editor', 'wp-server-side-render' ),
		AUDIOCAST_VERSION,
		true
	);
	register_block_type( AUDIOCAST_DIR . 'blocks/podcasts', array( 'render_callback' => 'audiocast_render_podcasts' ) );
	register_block_type( AUDIOCAST_DIR . 'blocks/episodes', array( 'render_callback' => 'audiocast_episodes_block' ) );
}

/* --- the cron refresh ------------------------------------------------------------------- */

/**
 * Fetch shows.json and the newest pages of each show (audiocast_refresh_index calls it, under
 * its lock); keep the last good lists when the host does not answer or answers with something
 * that is not one.
 */
function audiocast_refresh_lists() {
	$settings = audiocast_settings();
	if ( '' === $settings['base_url'] ) {
		return;
	}
	$lists = audiocast_fetch_lists( $settings['base_url'] );
	if ( is_wp_error( $lists ) ) {
		$error = $lists->get_error_message();
		$lists = get_option( AUDIOCAST_LISTS );
		$lists = is_array( $lists ) ? $lists : array( 'base_url' => '' );
		$lists['error'] = $error;
	}
	$lists['checked'] = time();
	update_option( AUDIOCAST_LISTS, $lists, false );
}

/**
 * The lists published under BASE, validated.
 *
 * @param string $base The podcast host's URL.
 * @return array|WP_Error
 */
function audiocast_fetch_lists( $base ) {
	$data = audiocast_get_json( $base . 'wordpress/shows.json', AUDIOCAST_LISTS_MAX_BYTES );
	if ( is_wp_error( $data ) ) {
		return $data;
	}
	$lists = audiocast_validate_shows( $data, $base );
	if ( is_wp_error( $lists ) ) {
		return $lists;
	}
	foreach ( $lists['shows'] as $slug => $show ) {
		$lists['shows'][ $slug ]['list'] = audiocast_fetch_show_pages( $show, $base );
	}
	$lists['error'] = '';
	return $lists;
}

/**
 * The newest episodes of SHOW, from its newest list pages in order, until one fails (what
 * is kept must be the newest episodes without a gap).
 *
 * @param array  $show A validated show.
 * @param string $base The podcast host's URL.
 * @return array
 */
function audiocast_fetch_show_pages( $show, $base ) {
	$episodes = array();
	foreach ( array_slice( $show['pages'], 0, AUDIOCAST_LISTS_PAGES ) as $page ) {
		$data  = audiocast_get_json( $page['json'], AUDIOCAST_LISTS_MAX_BYTES );
		$clean = is_wp_error( $data ) ? null : audiocast_validate_list_page( $data, $show['slug'], $base );
		if ( null === $clean ) {
			break;
		}
		$episodes = array_merge( $episodes, $clean );
	}
	return $episodes;
}

/**
 * Shows.json reduced to what the lists show, every URL under BASE; a show that is not valid
 * is left out, a file that is not one is refused.
 *
 * @param mixed  $data The decoded JSON.
 * @param string $base The podcast host's URL.
 * @return array|WP_Error
 */
function audiocast_validate_shows( $data, $base ) {
	if ( ! is_array( $data ) || 1 !== ( $data['version'] ?? null ) || ! is_array( $data['shows'] ?? null ) ) {
		return new WP_Error( 'audiocast_invalid', __( 'это не список подкастов audiocast (версия 1).', 'audiocast' ) );
	}
	$player = audiocast_validate_player( $data['player'] ?? null, $base );
	if ( null === $player ) {
		return new WP_Error( 'audiocast_player', __( 'адреса плеера не на сервере подкаста.', 'audiocast' ) );
	}
	$shows = array();
	foreach ( array_slice( $data['shows'], 0, AUDIOCAST_LISTS_MAX_SHOWS ) as $show ) {
		$clean = audiocast_validate_show( $show, $base );
		if ( null !== $clean ) {
			$shows[ $clean['slug'] ] = $clean;
		}
	}
	return array(
		'base_url' => $base,
		'player'   => $player,
		'shows'    => $shows,
	);
}

/**
 * One show of shows.json, or null when it is not valid.
 *
 * @param mixed  $show The entry.
 * @param string $base The podcast host's URL.
 * @return array|null
 */
function audiocast_validate_show( $show, $base ) {
	if ( ! is_array( $show ) || ! is_string( $show['slug'] ?? null ) || ! preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $show['slug'] )
		|| ! is_int( $show['episodes'] ?? null ) || $show['episodes'] < 0 || ! is_array( $show['pages'] ?? null ) ) {
		return null;
	}
	$clean = array(
		'slug'     => $show['slug'],
		'episodes' => $show['episodes'],
		'newest'   => is_string( $show['newest'] ?? null ) ? substr( $show['newest'], 0, 40 ) : '',
	);
	foreach ( array( 'title', 'description' ) as $key ) {
		if ( ! is_string( $show[ $key ] ?? null ) || strlen( $show[ $key ] ) > 4000 ) {
			return null;
		}
		$clean[ $key ] = $show[ $key ];
	}
	foreach ( array( 'cover', 'feed', 'page' ) as $key ) {
		$clean[ $key ] = audiocast_url_under( $show[ $key ] ?? null, $base );
		if ( null === $clean[ $key ] ) {
			return null;
		}
	}
	$clean['pages'] = array();
	foreach ( $show['pages'] as $page ) {
		$json = audiocast_url_under( $page['json'] ?? null, $base );
		$html = audiocast_url_under( $page['page'] ?? null, $base );
		if ( null === $json || null === $html || ! is_int( $page['first'] ?? null ) || ! is_int( $page['last'] ?? null ) ) {
			return null;
		}
		$clean['pages'][] = array(
			'json'  => $json,
			'page'  => $html,
			'first' => $page['first'],
			'last'  => $page['last'],
		);
	}
	return $clean;
}

/**
 * The episodes of one list page of show SLUG, or null when it is not one. An episode whose
 * entry is not valid is left out.
 *
 * @param mixed  $data The decoded JSON.
 * @param string $slug The show it must be of.
 * @param string $base The podcast host's URL.
 * @return array|null
 */
function audiocast_validate_list_page( $data, $slug, $base ) {
	if ( ! is_array( $data ) || 1 !== ( $data['version'] ?? null ) || ( $data['show'] ?? null ) !== $slug
		|| ! is_array( $data['episodes'] ?? null ) ) {
		return null;
	}
	$episodes = array();
	foreach ( $data['episodes'] as $episode ) {
		$clean = audiocast_validate_list_episode( $episode, $base );
		if ( null !== $clean ) {
			$episodes[] = $clean;
		}
	}
	return $episodes;
}

/**
 * One episode of a list page, or null.
 *
 * @param mixed  $episode The entry.
 * @param string $base    The podcast host's URL.
 * @return array|null
 */
function audiocast_validate_list_episode( $episode, $base ) {
	if ( ! is_array( $episode ) ) {
		return null;
	}
	$clean = array(
		'audio' => audiocast_url_under( $episode['audio'] ?? null, $base ),
		'page'  => audiocast_url_under( $episode['page'] ?? null, $base ),
	);
	foreach ( array( 'id', 'title', 'published', 'duration_text', 'description' ) as $key ) {
		if ( ! is_string( $episode[ $key ] ?? null ) || strlen( $episode[ $key ] ) > 2000 ) {
			return null;
		}
		$clean[ $key ] = $episode[ $key ];
	}
	$duration = $episode['duration'] ?? null;
	if ( null === $clean['audio'] || null === $clean['page'] || ! preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $clean['id'] )
		|| ! ( is_int( $duration ) || is_float( $duration ) ) || $duration < 0
		|| ! preg_match( '/^[0-9]{1,3}(:[0-9]{2}){1,2}$/', $clean['duration_text'] ) ) {
		return null;
	}
	$clean['duration'] = (float) $duration;
	return $clean;
}

/**
 * The stored lists when they belong to the current podcast host, else null.
 *
 * @return array|null
 */
function audiocast_current_lists() {
	$lists = get_option( AUDIOCAST_LISTS );
	$base  = audiocast_settings()['base_url'];
	if ( ! is_array( $lists ) || '' === $base || ( $lists['base_url'] ?? '' ) !== $base || ! isset( $lists['shows'], $lists['player'] ) ) {
		return null;
	}
	return $lists;
}

/* --- rendering -------------------------------------------------------------------------- */

/**
 * The player's files, enqueued before the page's head is printed when the queried post has
 * a list (classic themes print the head before the content); blocks themes render the
 * content first, and the renderers enqueue them too.
 */
function audiocast_lists_enqueue_early() {
	$post = is_singular() ? get_queried_object() : null;
	if ( ! $post instanceof WP_Post ) {
		return;
	}
	$content = $post->post_content;
	if ( has_shortcode( $content, 'audiocast_podcasts' ) || has_shortcode( $content, 'audiocast_episodes' )
		|| has_block( 'audiocast/podcasts', $post ) || has_block( 'audiocast/episodes', $post ) ) {
		$lists = audiocast_current_lists();
		if ( null !== $lists ) {
			audiocast_enqueue_player( $lists['player'] );
		}
	}
}

/**
 * The shortcode [audiocast_episodes show="slug" per_page="10"].
 *
 * @param array|string $atts The shortcode's attributes.
 * @return string
 */
function audiocast_episodes_shortcode( $atts ) {
	$atts = shortcode_atts(
		array(
			'show'     => '',
			'per_page' => 10,
		),
		$atts,
		'audiocast_episodes'
	);
	return audiocast_render_episodes( (string) $atts['show'], (int) $atts['per_page'] );
}

/**
 * The block audiocast/episodes.
 *
 * @param array $attributes The block's attributes (show, perPage).
 * @return string
 */
function audiocast_episodes_block( $attributes ) {
	$show     = isset( $attributes['show'] ) && is_string( $attributes['show'] ) ? $attributes['show'] : '';
	$per_page = isset( $attributes['perPage'] ) ? (int) $attributes['perPage'] : 10;
	return audiocast_render_episodes( $show, $per_page );
}

/**
 * One line in place of a list that cannot be shown.
 *
 * @param string $text What to say.
 * @return string
 */
function audiocast_lists_notice( $text ) {
	return '<p class="audiocast-lists-notice">' . esc_html( $text ) . '</p>';
}

/**
 * The Podcast List: each show's cover, title (linking to its Episode List on the podcast
 * host), description, episode count, newest date and feed.
 *
 * @return string
 */
function audiocast_render_podcasts() {
	$lists = audiocast_current_lists();
	if ( null === $lists || array() === $lists['shows'] ) {
		return audiocast_lists_notice( __( 'Подкасты пока не загружены.', 'audiocast' ) );
	}
	audiocast_enqueue_player( $lists['player'] );
	$items = '';
	foreach ( $lists['shows'] as $show ) {
		$meta = audiocast_episode_count( $show['episodes'] );
		if ( '' !== $show['newest'] ) {
			/* translators: %s: the date of the newest episode */
			$meta .= ' · ' . sprintf( __( 'последний %s', 'audiocast' ), audiocast_list_date( $show['newest'] ) );
		}
		$items .= sprintf(
			'<li class="audiocast-podcast"><img class="audiocast-podcast-cover" src="%1$s" alt="" width="96" height="96" loading="lazy" />'
			. '<h3 class="audiocast-podcast-title"><a href="%2$s">%3$s</a></h3><p class="audiocast-podcast-description">%4$s</p>'
			. '<p class="audiocast-podcast-meta">%5$s · <a href="%6$s">RSS</a></p></li>',
			esc_url( $show['cover'] ),
			esc_url( $show['page'] ),
			esc_html( $show['title'] ),
			esc_html( $show['description'] ),
			esc_html( $meta ),
			esc_url( $show['feed'] )
		);
	}
	return '<ul class="audiocast-podcasts">' . $items . '</ul>';
}

/**
 * A show's Episode List, page ?audiocast_page=N of it, PER_PAGE episodes to a page.
 *
 * @param string $slug     The show's slug.
 * @param int    $per_page Episodes on a page (1 to AUDIOCAST_LISTS_MAX_PER_PAGE).
 * @return string
 */
function audiocast_render_episodes( $slug, $per_page ) {
	$lists = audiocast_current_lists();
	if ( null === $lists ) {
		return audiocast_lists_notice( __( 'Выпуски пока не загружены.', 'audiocast' ) );
	}
	$slug = sanitize_key( $slug );
	$show = $lists['shows'][ $slug ] ?? null;
	if ( null === $show ) {
		/* translators: %s: a show's slug */
		return audiocast_lists_notice( sprintf( __( 'Подкаст «%s» не найден.', 'audiocast' ), $slug ) );
	}
	if ( 0 === $show['episodes'] ) {
		return audiocast_lists_notice( __( 'В этом подкасте пока нет выпусков.', 'audiocast' ) );
	}
	audiocast_enqueue_player( $lists['player'] );
	$per_page = max( 1, min( AUDIOCAST_LISTS_MAX_PER_PAGE, (int) $per_page ) );
	$pages    = (int) ceil( $show['episodes'] / $per_page );
	$number   = audiocast_requested_page( $pages );
	$offset   = ( $number - 1 ) * $per_page;
	$episodes = array_slice( $show['list'] ?? array(), $offset, $per_page );
	$html     = '';
	foreach ( $episodes as $episode ) {
		$html .= audiocast_episode_item( $episode, $show );
	}
	$out = '' === $html ? '' : '<ol class="audiocast-episodes">' . $html . '</ol>';
	if ( count( $episodes ) < min( $per_page, $show['episodes'] - $offset ) ) {
		$out .= audiocast_elsewhere( $show, $offset + count( $episodes ) );
	}
	return '<div class="audiocast-episode-list">' . $out . audiocast_pagination( $number, $pages ) . '</div>';
}

/**
 * The page asked for in ?audiocast_page, within 1..PAGES.
 *
 * @param int $pages How many pages the list has.
 * @return int
 */
function audiocast_requested_page( $pages ) {
	// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a page number to read, no action
	$asked = isset( $_GET['audiocast_page'] ) ? absint( wp_unslash( $_GET['audiocast_page'] ) ) : 1;
	return max( 1, min( $pages, $asked ) );
}

/**
 * One episode: its title linking to its page, date, duration, description, and the listen and
 * queue buttons with the inline JSON the player reads (audiocast_player_json).
 *
 * @param array $episode A validated episode.
 * @param array $show    Its show.
 * @return string
 */
function audiocast_episode_item( $episode, $show ) {
	$data  = audiocast_player_json(
		array(
			'id'       => $episode['id'],
			'title'    => $episode['title'],
			'show'     => $show['title'],
			'src'      => $episode['audio'],
			'page'     => $episode['page'],
			'cover'    => $show['cover'],
			'duration' => $episode['duration'],
		)
	);
	$title = 'audiocast-title-' . $episode['id'];
	return sprintf(
		'<li class="audiocast-episode"><h3 class="audiocast-episode-title" id="%1$s"><a href="%2$s">%3$s</a></h3>'
		. '<p class="audiocast-episode-meta"><time datetime="%4$s">%5$s</time> · <span class="screen-reader-text">%6$s</span>%7$s</p>'
		. '<p class="audiocast-episode-description">%8$s</p><p class="audiocast-episode-actions">'
		. '<button type="button" class="audiocast-button wp-element-button" data-audiocast-play="%9$s" data-audiocast-playing-text="%10$s" aria-describedby="%1$s">%11$s</button> '
		. '<button type="button" class="audiocast-queue wp-element-button" data-audiocast-queue="%9$s" aria-describedby="%1$s">%12$s</button></p></li>',
		esc_attr( $title ),
		esc_url( $episode['page'] ),
		esc_html( $episode['title'] ),
		esc_attr( $episode['published'] ),
		esc_html( audiocast_list_date( $episode['published'] ) ),
		esc_html__( 'Длительность', 'audiocast' ),
		esc_html( $episode['duration_text'] ),
		esc_html( $episode['description'] ),
		esc_attr( $data ),
		esc_attr__( 'Пауза', 'audiocast' ),
		esc_html__( 'Слушать', 'audiocast' ),
		esc_html__( 'В очередь', 'audiocast' )
	);
}

/**
 * In place of episodes the cron refresh did not keep: a link to the podcast host's Episode
 * List page that holds the episode at OFFSET (0: the show's newest).
 *
 * @param array $show   A validated show.
 * @param int   $offset The first episode not shown, counted from the newest.
 * @return string
 */
function audiocast_elsewhere( $show, $offset ) {
	$ordinal = $show['episodes'] - $offset; // counted from the oldest, as the pages are
	$url     = $show['page'];
	foreach ( $show['pages'] as $page ) {
		if ( $page['first'] <= $ordinal && $ordinal <= $page['last'] ) {
			$url = $page['page'];
		}
	}
	return sprintf(
		'<p class="audiocast-lists-notice"><a href="%1$s">%2$s</a></p>',
		esc_url( $url ),
		esc_html__( 'Более ранние выпуски — на сайте подкаста', 'audiocast' )
	);
}

/**
 * Links to the newer and older pages, and which page this is.
 *
 * @param int $number This page.
 * @param int $pages  How many there are.
 * @return string
 */
function audiocast_pagination( $number, $pages ) {
	if ( $pages < 2 ) {
		return '';
	}
	$links = '';
	if ( $number > 1 ) {
		$links .= sprintf( '<a class="audiocast-newer" href="%1$s">%2$s</a> ', esc_url( audiocast_page_link( $number - 1 ) ), esc_html__( '← Новее', 'audiocast' ) );
	}
	/* translators: 1: this page, 2: how many pages */
	$links .= '<span class="audiocast-page-number">' . esc_html( sprintf( __( 'Страница %1$d из %2$d', 'audiocast' ), $number, $pages ) ) . '</span>';
	if ( $number < $pages ) {
		$links .= sprintf( ' <a class="audiocast-older" href="%1$s">%2$s</a>', esc_url( audiocast_page_link( $number + 1 ) ), esc_html__( 'Старее →', 'audiocast' ) );
	}
	return '<nav class="audiocast-pagination" aria-label="' . esc_attr__( 'Страницы выпусков', 'audiocast' ) . '">' . $links . '</nav>';
}

/**
 * This page's URL asking for list page NUMBER (the first page: without the parameter).
 *
 * @param int $number A page number.
 * @return string
 */
function audiocast_page_link( $number ) {
	$url = remove_query_arg( 'audiocast_page' );
	return $number > 1 ? add_query_arg( 'audiocast_page', (int) $number, $url ) : $url;
}

/**
 * An ISO 8601 date in the site's date format ('' when it is not one).
 *
 * @param string $iso A date from the lists.
 * @return string
 */
function audiocast_list_date( $iso ) {
	$time = strtotime( $iso );
	return false === $time ? '' : (string) wp_date( get_option( 'date_format' ), $time );
}

/**
 * "N выпусков" with the Russian plural.
 *
 * @param int $count How many.
 * @return string
 */
function audiocast_episode_count( $count ) {
	$tens = $count % 100;
	$ones = $count % 10;
	if ( $ones === 1 && $tens !== 11 ) {
		$word = __( 'выпуск', 'audiocast' );
	} elseif ( $ones >= 2 && $ones <= 4 && ( $tens < 12 || $tens > 14 ) ) {
		$word = __( 'выпуска', 'audiocast' );
	} else {
		$word = __( 'выпусков', 'audiocast' );
	}
	return $count . ' ' . $word;
}
