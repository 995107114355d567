<?php
/**
 * On a post that has an episode: the «Слушать статью · 1:03» and «В очередь» buttons before or
 * after its content (a reader queues the article to hear after the one playing), and the
 * podcast host's global player (player.js loads its modules and finds the buttons by their
 * data-audiocast-play and -queue attributes). A post without one gets none of it.
 *
 * @package Audiocast
 */

defined( 'ABSPATH' ) || exit;

add_action( 'wp_enqueue_scripts', 'audiocast_enqueue_for_post' );
add_filter( 'the_content', 'audiocast_add_button', 20 );

/**
 * The episode of the post this page shows, when it is a post that gets the button. Asked
 * twice a page (the head's files, then the content's button): worked out once.
 *
 * @return array|null
 */
function audiocast_page_episode() {
	static $found = array();
	$post = is_singular() ? get_queried_object() : null;
	if ( ! $post instanceof WP_Post ) {
		return null;
	}
	if ( ! array_key_exists( $post->ID, $found ) ) {
		$found[ $post->ID ] = audiocast_post_gets_button( $post ) ? audiocast_episode_for( $post->ID ) : null;
	}
	return $found[ $post->ID ];
}

/**
 * Whether POST is of a type and in a category the settings name, and not excluded.
 *
 * @param WP_Post $post A post.
 * @return bool
 */
function audiocast_post_gets_button( $post ) {
	$settings = audiocast_settings();
	if ( ! in_array( $post->post_type, $settings['post_types'], true ) || 'publish' !== $post->post_status
		|| get_post_meta( $post->ID, AUDIOCAST_EXCLUDE_META, true ) ) {
		return false;
	}
	if ( array() === $settings['categories'] ) {
		return true;
	}
	return has_category( $settings['categories'], $post );
}

/**
 * On a post with an episode, the player's files (and the buttons' layout).
 */
function audiocast_enqueue_for_post() {
	if ( null !== audiocast_page_episode() ) {
		audiocast_enqueue_player( audiocast_current_index()['player'] );
	}
}

/**
 * The player's script and style from the podcast host, without a version query (player.js
 * finds its modules beside its own URL, and the player looks for a player.css link before
 * adding its own), and the plugin's layout of the buttons and lists: for the post button and
 * the lists alike, under the same handles, so never twice.
 *
 * @param array $player The index's or the lists' 'player': its 'js' and 'css' URLs.
 */
function audiocast_enqueue_player( $player ) {
	wp_enqueue_style( 'audiocast', plugins_url( 'assets/audiocast.css', AUDIOCAST_FILE ), array(), AUDIOCAST_VERSION );
	wp_enqueue_style( 'audiocast-player', $player['css'], array(), null );
	wp_enqueue_script( 'audiocast-player', $player['js'], array(), null, true );
}

/**
 * The button, before or after the content of the post the page shows (not in excerpts, not
 * in other posts' content on the same page, once).
 *
 * @param string $content The post's content.
 * @return string
 */
function audiocast_add_button( $content ) {
	static $done = false;
	if ( $done || doing_filter( 'get_the_excerpt' ) || ! is_main_query() || get_the_ID() !== get_queried_object_id() ) {
		return $content;
	}
	$episode = audiocast_page_episode();
	if ( null === $episode ) {
		return $content;
	}
	$done     = true;
	$settings = audiocast_settings();
	$button   = audiocast_button_html( $episode, $settings['label'] );
	return 'after' === $settings['place'] ? $content . $button : $button . $content;
}

/**
 * The buttons for EPISODE, listen and queue: their inline JSON is what the player reads (id,
 * title, show, src, page, duration).
 *
 * @param array  $episode The index's entry.
 * @param string $label   The button's label.
 * @return string
 */
function audiocast_button_html( $episode, $label ) {
	$data = audiocast_player_json(
		array(
			'id'       => $episode['episode'],
			'title'    => $episode['title'],
			'show'     => $episode['show_title'] ?? $episode['show'],
			'src'      => $episode['audio'],
			'page'     => $episode['page'],
			'duration' => $episode['duration'],
		)
	);
	$text = $label . ' · ' . $episode['duration_text'];
	return sprintf(
		'<p class="audiocast-listen"><button type="button" class="audiocast-button wp-element-button" data-audiocast-play="%1$s">%2$s</button> '
		. '<button type="button" class="audiocast-queue wp-element-button" data-audiocast-queue="%1$s">%3$s</button></p>',
		esc_attr( $data ),
		esc_html( $text ),
		esc_html__( 'В очередь', 'audiocast' )
	);
}

/**
 * FIELDS as the JSON of a data-audiocast-play or -queue attribute, hex-escaped so that no
 * quote or angle bracket is left for the attribute (esc_attr still goes around it).
 *
 * @param array $fields What the player reads: id, title, show, src, page, cover, duration.
 * @return string
 */
function audiocast_player_json( $fields ) {
	return wp_json_encode(
		$fields,
		JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
	);
}
