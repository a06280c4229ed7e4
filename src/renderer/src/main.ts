// The renderer's entry: global styles, then the app.
import { mount } from 'svelte';
import './styles/app.css';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
