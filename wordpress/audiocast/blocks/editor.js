/**
 * The editor side of the blocks audiocast/podcasts and audiocast/episodes, without a build
 * step: the server renders them (ServerSideRender), the episodes block has two settings in
 * the sidebar. Both are dynamic: nothing is saved but their attributes.
 */
( function ( wp ) {
	'use strict';
	var el = wp.element.createElement;
	var ServerSideRender = wp.serverSideRender;
	var InspectorControls = wp.blockEditor.InspectorControls;
	var useBlockProps = wp.blockEditor.useBlockProps;
	var PanelBody = wp.components.PanelBody;
	var TextControl = wp.components.TextControl;
	var RangeControl = wp.components.RangeControl;

	wp.blocks.registerBlockType( 'audiocast/podcasts', {
		edit: function () {
			return el( 'div', useBlockProps(), el( ServerSideRender, { block: 'audiocast/podcasts' } ) );
		},
		save: function () {
			return null;
		},
	} );

	wp.blocks.registerBlockType( 'audiocast/episodes', {
		edit: function ( props ) {
			var attributes = props.attributes;
			return el(
				'div',
				useBlockProps(),
				el(
					InspectorControls,
					null,
					el(
						PanelBody,
						{ title: 'Выпуски' },
						el( TextControl, {
							label: 'Подкаст (slug)',
							value: attributes.show,
							onChange: function ( value ) {
								props.setAttributes( { show: value } );
							},
						} ),
						el( RangeControl, {
							label: 'Выпусков на странице',
							value: attributes.perPage,
							min: 1,
							max: 50,
							onChange: function ( value ) {
								props.setAttributes( { perPage: value } );
							},
						} )
					)
				),
				el( ServerSideRender, { block: 'audiocast/episodes', attributes: attributes } )
			);
		},
		save: function () {
			return null;
		},
	} );
} )( window.wp );
