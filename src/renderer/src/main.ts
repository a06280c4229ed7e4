// The renderer's entry: global styles, then the app.
import { mount } from 'svelte';
import './styles/app.css';
// Before anything renders: sets <html data-theme> from the stored choice, so nothing flashes.
import './state/themePreference.svelte.ts';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
