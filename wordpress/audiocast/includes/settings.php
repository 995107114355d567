<?php
/**
 * Settings → Audiocast: the podcast host, the source, the desk, where the button goes and on
 * which posts. One option (an array), registered with the Settings API so that options.php
 * checks the nonce and the capability, and every value passes audiocast_sanitize_settings().
 *
 * @package Audiocast
 */

defined( 'ABSPATH' ) || exit;

add_action( 'admin_init', 'audiocast_register_settings' );
add_action( 'admin_menu', 'audiocast_add_settings_page' );
// a changed host or source: fetch its index now rather than in up to ten minutes
add_action( 'update_option_' . AUDIOCAST_SETTINGS, 'audiocast_refresh_soon' );
add_action( 'add_option_' . AUDIOCAST_SETTINGS, 'audiocast_refresh_soon' );

/**
 * The settings a fresh install has.
 *
 * @return array
 */
function audiocast_default_settings() {
	return array(
		'base_url'   => '',
		'source'     => '',
		'desk_url'   => '',
		'token'      => '',
		'place'      => 'before',
		'label'      => audiocast_default_label(),
		'post_types' => array( 'post' ),
		'categories' => array(),
	);
}

/**
 * The button's label when none is set.
 *
 * @return string
 */
function audiocast_default_label() {
	return __( 'Слушать статью', 'audiocast' );
}

/**
 * The settings as stored, every key present.
 *
 * @return array
 */
function audiocast_settings() {
	$stored = get_option( AUDIOCAST_SETTINGS, array() );
	return array_merge( audiocast_default_settings(), is_array( $stored ) ? $stored : array() );
}

/**
 * Register the option, its section and its fields.
 */
function audiocast_register_settings() {
	register_setting(
		'audiocast',
		AUDIOCAST_SETTINGS,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'audiocast_sanitize_settings',
			'default'           => audiocast_default_settings(),
			'show_in_rest'      => false, // the token must never leave the server
		)
	);
	add_settings_section( 'audiocast_host', __( 'Подкаст', 'audiocast' ), '__return_false', 'audiocast' );
	add_settings_section( 'audiocast_button', __( 'Кнопка', 'audiocast' ), '__return_false', 'audiocast' );
	$fields = array(
		'base_url'   => array( __( 'Адрес подкаста', 'audiocast' ), 'audiocast_host' ),
		'source'     => array( __( 'Имя источника', 'audiocast' ), 'audiocast_host' ),
		'desk_url'   => array( __( 'Адрес редакционного пульта', 'audiocast' ), 'audiocast_host' ),
		'token'      => array( __( 'Токен API', 'audiocast' ), 'audiocast_host' ),
		'place'      => array( __( 'Место кнопки', 'audiocast' ), 'audiocast_button' ),
		'label'      => array( __( 'Надпись на кнопке', 'audiocast' ), 'audiocast_button' ),
		'post_types' => array( __( 'Типы записей', 'audiocast' ), 'audiocast_button' ),
		'categories' => array( __( 'Рубрики', 'audiocast' ), 'audiocast_button' ),
	);
	foreach ( $fields as $key => $field ) {
		$args = in_array( $key, array( 'place', 'post_types', 'categories' ), true )
			? array() : array( 'label_for' => 'audiocast-' . str_replace( '_', '-', $key ) );
		add_settings_field( 'audiocast_' . $key, $field[0], 'audiocast_field_' . $key, 'audiocast', $field[1], $args );
	}
}

/**
 * The page under Settings, for administrators only.
 */
function audiocast_add_settings_page() {
	add_options_page( 'Audiocast', 'Audiocast', 'manage_options', 'audiocast', 'audiocast_render_settings_page' );
}

/**
 * The settings form (options.php saves it) and what the last refresh of the index found.
 * Settings errors are printed by WordPress itself above the page (options-head.php).
 */
function audiocast_render_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html__( 'Audiocast', 'audiocast' ) . '</h1>';
	audiocast_render_index_status();
	echo '<form action="' . esc_url( admin_url( 'options.php' ) ) . '" method="post">';
	settings_fields( 'audiocast' );
	do_settings_sections( 'audiocast' );
	submit_button();
	echo '</form></div>';
}

/**
 * One paragraph: when the index was last read, how many posts it has, or why it failed.
 */
function audiocast_render_index_status() {
	$status = get_option( AUDIOCAST_INDEX_STATUS );
	if ( ! is_array( $status ) || empty( $status['checked'] ) ) {
		$text = __( 'Индекс эпизодов ещё не загружался: он загружается в фоне после сохранения настроек.', 'audiocast' );
	} elseif ( ! empty( $status['error'] ) ) {
		/* translators: 1: date and time, 2: the reason */
		$text = sprintf( __( 'Индекс эпизодов не загрузился (%1$s): %2$s', 'audiocast' ), wp_date( 'j.m.Y H:i', $status['checked'] ), $status['error'] );
	} else {
		/* translators: 1: date and time, 2: number of posts */
		$text = sprintf( __( 'Индекс эпизодов загружен %1$s: статей с эпизодами — %2$d.', 'audiocast' ), wp_date( 'j.m.Y H:i', $status['checked'] ), (int) $status['posts'] );
	}
	echo '<p id="audiocast-index-status">' . esc_html( $text ) . '</p>';
	audiocast_render_desk_status( $status );
}

/**
 * One paragraph more when a desk is configured and the refresh has asked it: how many posts
 * it failed, or why it did not answer (the posts list then shows the failures it knew before).
 *
 * @param mixed $status The index status option.
 */
function audiocast_render_desk_status( $status ) {
	if ( ! audiocast_desk_configured() || ! is_array( $status ) || empty( $status['checked'] ) ) {
		return;
	}
	$failed = isset( $status['failures'] ) && is_array( $status['failures'] ) ? count( $status['failures'] ) : 0;
	if ( ! empty( $status['desk_error'] ) ) {
		/* translators: 1: date and time, 2: the reason, 3: number of posts */
		$text = sprintf( __( 'Пульт не ответил при проверке %1$s: %2$s Ошибки озвучивания в списке записей — с прошлой удачной проверки (%3$d).', 'audiocast' ), wp_date( 'j.m.Y H:i', $status['checked'] ), $status['desk_error'], $failed );
		echo '<div class="notice notice-warning inline"><p id="audiocast-desk-status">' . esc_html( $text ) . '</p></div>';
		return;
	}
	/* translators: 1: date and time, 2: number of posts */
	$text = sprintf( __( 'Пульт ответил %1$s: записей, которые не удалось озвучить, — %2$d.', 'audiocast' ), wp_date( 'j.m.Y H:i', $status['checked'] ), $failed );
	echo '<p id="audiocast-desk-status">' . esc_html( $text ) . '</p>';
}

/**
 * A text or URL input bound to the option.
 *
 * @param string $key  The setting.
 * @param string $type The input's type.
 * @param string $help A sentence under it.
 */
function audiocast_text_input( $key, $type, $help ) {
	$settings = audiocast_settings();
	$id       = 'audiocast-' . str_replace( '_', '-', $key );
	printf(
		'<input type="%1$s" id="%2$s" name="%3$s[%4$s]" value="%5$s" class="regular-text" aria-describedby="%2$s-help"><p class="description" id="%2$s-help">%6$s</p>',
		esc_attr( $type ),
		esc_attr( $id ),
		esc_attr( AUDIOCAST_SETTINGS ),
		esc_attr( $key ),
		esc_attr( $settings[ $key ] ),
		esc_html( $help )
	);
}

/** The podcast host's URL. */
function audiocast_field_base_url() {
	audiocast_text_input( 'base_url', 'url', __( 'Где опубликован подкаст (base_url из audiocast.toml), например https://podcasts.example.org/', 'audiocast' ) );
}

/** The source's name in audiocast.toml. */
function audiocast_field_source() {
	audiocast_text_input( 'source', 'text', __( 'Имя источника этого сайта в audiocast.toml (латиница, цифры, дефис, подчёркивание).', 'audiocast' ) );
}

/** The desk's URL. */
function audiocast_field_desk_url() {
	audiocast_text_input( 'desk_url', 'url', __( 'Необязательно: адрес редакционного пульта audiocast.', 'audiocast' ) );
}

/**
 * The API token: never printed back. The field says whether one is set, takes a new one, or
 * clears it.
 */
function audiocast_field_token() {
	$settings = audiocast_settings();
	$name     = AUDIOCAST_SETTINGS;
	if ( '' !== $settings['token'] ) {
		echo '<p><strong>' . esc_html__( 'задан', 'audiocast' ) . '</strong></p>';
	} else {
		echo '<p>' . esc_html__( 'не задан', 'audiocast' ) . '</p>';
	}
	printf(
		'<input type="password" id="audiocast-token" name="%1$s[token_new]" value="" class="regular-text" autocomplete="off" aria-describedby="audiocast-token-help"><p class="description" id="audiocast-token-help">%2$s</p>',
		esc_attr( $name ),
		esc_html__( 'Необязательно. Новый токен заменит прежний; пустое поле оставляет токен как есть. Токен не показывается.', 'audiocast' )
	);
	if ( '' !== $settings['token'] ) {
		printf(
			'<p><label><input type="checkbox" name="%1$s[token_clear]" value="1"> %2$s</label></p>',
			esc_attr( $name ),
			esc_html__( 'Удалить токен', 'audiocast' )
		);
	}
}

/** Before or after the post's text. */
function audiocast_field_place() {
	$settings = audiocast_settings();
	$choices  = array(
		'before' => __( 'перед текстом статьи', 'audiocast' ),
		'after'  => __( 'после текста статьи', 'audiocast' ),
	);
	echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'Место кнопки', 'audiocast' ) . '</legend>';
	foreach ( $choices as $value => $text ) {
		printf(
			'<label><input type="radio" name="%1$s[place]" value="%2$s"%3$s> %4$s</label><br>',
			esc_attr( AUDIOCAST_SETTINGS ),
			esc_attr( $value ),
			checked( $settings['place'], $value, false ),
			esc_html( $text )
		);
	}
	echo '</fieldset>';
}

/** The button's label. */
function audiocast_field_label() {
	audiocast_text_input( 'label', 'text', __( 'Длительность эпизода добавляется после надписи: «Слушать статью · 1:03».', 'audiocast' ) );
}

/** Which public post types get the button. */
function audiocast_field_post_types() {
	$settings = audiocast_settings();
	echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'Типы записей', 'audiocast' ) . '</legend>';
	foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) {
		if ( 'attachment' === $type->name ) {
			continue;
		}
		printf(
			'<label><input type="checkbox" name="%1$s[post_types][]" value="%2$s"%3$s> %4$s</label><br>',
			esc_attr( AUDIOCAST_SETTINGS ),
			esc_attr( $type->name ),
			checked( in_array( $type->name, $settings['post_types'], true ), true, false ),
			esc_html( $type->labels->name )
		);
	}
	echo '</fieldset>';
}

/** Which categories get the button; none ticked: all of them. */
function audiocast_field_categories() {
	$settings = audiocast_settings();
	echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'Рубрики', 'audiocast' ) . '</legend>';
	foreach ( get_categories( array( 'hide_empty' => false ) ) as $category ) {
		printf(
			'<label><input type="checkbox" name="%1$s[categories][]" value="%2$d"%3$s> %4$s</label><br>',
			esc_attr( AUDIOCAST_SETTINGS ),
			(int) $category->term_id,
			checked( in_array( (int) $category->term_id, $settings['categories'], true ), true, false ),
			esc_html( $category->name )
		);
	}
	echo '</fieldset><p class="description">' . esc_html__( 'Ни одной не отмечено — кнопка во всех рубриках.', 'audiocast' ) . '</p>';
}

/**
 * A URL the settings accept: http or https, a host, nothing else; with one trailing slash.
 * Null when it is not one.
 *
 * @param string $value What was typed.
 * @return string|null
 */
function audiocast_clean_base_url( $value ) {
	$value = trim( (string) $value );
	$parts = wp_parse_url( $value );
	if ( ! is_array( $parts ) || empty( $parts['host'] ) || empty( $parts['scheme'] )
		|| ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true )
		|| isset( $parts['query'] ) || isset( $parts['fragment'] ) || isset( $parts['user'] )
		|| preg_match( '/[\s"\'<>\\\\]/', $value ) || esc_url_raw( $value ) !== $value ) {
		return null;
	}
	return rtrim( $value, '/' ) . '/';
}

/**
 * Sanitize the settings form: every value checked, a bad one refused with a settings error
 * (the stored value stays). WordPress calls this twice when the option is created, so an
 * already clean array passes through unchanged.
 *
 * @param mixed $input The submitted array.
 * @return array
 */
function audiocast_sanitize_settings( $input ) {
	$old   = audiocast_settings();
	$input = is_array( $input ) ? wp_unslash( $input ) : array();
	$clean = $old;
	foreach ( array( 'base_url', 'desk_url' ) as $key ) {
		if ( ! isset( $input[ $key ] ) ) {
			continue;
		}
		$value = trim( (string) $input[ $key ] );
		$url   = '' === $value ? '' : audiocast_clean_base_url( $value );
		if ( null === $url ) {
			$message = 'base_url' === $key
				? __( 'Адрес подкаста должен быть полным адресом, начинающимся с https:// или http://, без параметров; прежний адрес сохранён.', 'audiocast' )
				: __( 'Адрес редакционного пульта должен начинаться с https:// или http://; прежний адрес сохранён.', 'audiocast' );
			add_settings_error( AUDIOCAST_SETTINGS, 'audiocast_' . $key, $message );
			continue;
		}
		$clean[ $key ] = $url;
	}
	if ( isset( $input['source'] ) ) {
		$source = trim( (string) $input['source'] );
		if ( '' === $source || preg_match( '/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/', $source ) ) {
			$clean['source'] = $source;
		} else {
			add_settings_error( AUDIOCAST_SETTINGS, 'audiocast_source', __( 'Имя источника — латинские буквы, цифры, дефис и подчёркивание; прежнее имя сохранено.', 'audiocast' ) );
		}
	}
	$clean['token'] = audiocast_sanitize_token( $input, $old['token'] );
	if ( isset( $input['place'] ) ) {
		$clean['place'] = 'after' === $input['place'] ? 'after' : 'before';
	}
	if ( isset( $input['label'] ) ) {
		$label          = sanitize_text_field( (string) $input['label'] );
		$clean['label'] = '' === $label ? audiocast_default_label() : mb_substr( $label, 0, 80 );
	}
	// a form always sends a label: its absence means an unticked list, not "unchanged"
	if ( isset( $input['label'] ) || isset( $input['post_types'] ) ) {
		$types               = isset( $input['post_types'] ) ? (array) $input['post_types'] : array();
		$public              = get_post_types( array( 'public' => true ) );
		$clean['post_types'] = array_values( array_intersect( array_map( 'strval', $types ), array_values( $public ) ) );
	}
	if ( isset( $input['label'] ) || isset( $input['categories'] ) ) {
		$ids                 = isset( $input['categories'] ) ? array_map( 'absint', (array) $input['categories'] ) : array();
		$clean['categories'] = array_values( array_filter( array_unique( $ids ), 'audiocast_is_category' ) );
	}
	return $clean;
}

/**
 * The token to store: a new one typed in, none when clearing is asked, else the one stored
 * (or the one in an already clean array, on WordPress's second pass).
 *
 * @param array  $input The submitted array.
 * @param string $old   The stored token.
 * @return string
 */
function audiocast_sanitize_token( $input, $old ) {
	$new = isset( $input['token_new'] ) ? trim( (string) $input['token_new'] ) : '';
	if ( '' !== $new ) {
		return preg_replace( '/[^\x21-\x7e]/', '', $new );
	}
	if ( ! empty( $input['token_clear'] ) ) {
		return '';
	}
	if ( isset( $input['token'] ) && is_string( $input['token'] ) && ! isset( $input['token_new'] ) ) {
		return preg_replace( '/[^\x21-\x7e]/', '', $input['token'] );
	}
	return $old;
}

/**
 * Whether ID is a category's term id.
 *
 * @param int $id A term id.
 * @return bool
 */
function audiocast_is_category( $id ) {
	return $id > 0 && term_exists( $id, 'category' );
}
