<?php
/**
 * The posts list's column «Аудио», on the post types the settings name: «озвучена · 1:03»,
 * «ждёт озвучки», «ошибка» (with the desk's reason) or «не озвучивать». Read from the stored
 * index, the post's meta and the failures the cron refresh kept: no remote call while the
 * list is shown.
 *
 * @package Audiocast
 */

defined( 'ABSPATH' ) || exit;

define( 'AUDIOCAST_COLUMN', 'audiocast' );

add_filter( 'manage_posts_columns', 'audiocast_add_column', 10, 2 );
add_filter( 'manage_pages_columns', 'audiocast_add_page_column' );
add_action( 'manage_posts_custom_column', 'audiocast_render_column', 10, 2 );
add_action( 'manage_pages_custom_column', 'audiocast_render_column', 10, 2 );

/**
 * The column, after the title, for the post types that get audio.
 *
 * @param array  $columns   The list's columns.
 * @param string $post_type The list's post type.
 * @return array
 */
function audiocast_add_column( $columns, $post_type = 'post' ) {
	if ( ! in_array( $post_type, audiocast_settings()['post_types'], true ) ) {
		return $columns;
	}
	$added = array();
	foreach ( $columns as $key => $label ) {
		$added[ $key ] = $label;
		if ( 'title' === $key ) {
			$added[ AUDIOCAST_COLUMN ] = __( 'Аудио', 'audiocast' );
		}
	}
	if ( ! isset( $added[ AUDIOCAST_COLUMN ] ) ) {
		$added[ AUDIOCAST_COLUMN ] = __( 'Аудио', 'audiocast' );
	}
	return $added;
}

/**
 * The column on the pages list (manage_pages_columns has no post type argument).
 *
 * @param array $columns The list's columns.
 * @return array
 */
function audiocast_add_page_column( $columns ) {
	return audiocast_add_column( $columns, 'page' );
}

/**
 * One post's cell.
 *
 * @param string $column  The column being drawn.
 * @param int    $post_id The row's post.
 */
function audiocast_render_column( $column, $post_id ) {
	if ( AUDIOCAST_COLUMN !== $column ) {
		return;
	}
	$state = audiocast_column_state( (int) $post_id );
	printf( '<span class="audiocast-state audiocast-state-%1$s">%2$s</span>', esc_attr( $state['key'] ), esc_html( $state['text'] ) );
	if ( '' !== $state['reason'] ) {
		printf( '<br><span class="audiocast-reason">%s</span>', esc_html( $state['reason'] ) );
	}
}

/**
 * Where POST_ID's audio stands, for the column: its key, its words and the desk's reason of a
 * failure ('' otherwise).
 *
 * @param int $post_id The post.
 * @return array
 */
function audiocast_column_state( $post_id ) {
	if ( get_post_meta( $post_id, AUDIOCAST_EXCLUDE_META, true ) ) {
		return array( 'key' => 'excluded', 'text' => __( 'не озвучивать', 'audiocast' ), 'reason' => '' );
	}
	$failure = audiocast_failure_for( $post_id );
	if ( null !== $failure ) {
		return array( 'key' => 'failed', 'text' => __( 'ошибка', 'audiocast' ), 'reason' => $failure );
	}
	$episode = audiocast_episode_for( $post_id );
	if ( null !== $episode ) {
		/* translators: %s: duration, 1:03 */
		return array( 'key' => 'voiced', 'text' => sprintf( __( 'озвучена · %s', 'audiocast' ), $episode['duration_text'] ), 'reason' => '' );
	}
	return array( 'key' => 'pending', 'text' => __( 'ждёт озвучки', 'audiocast' ), 'reason' => '' );
}
