import { Controller, Get } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { mock } from 'jest-mock-extended';
import { RequireScopes } from '../decorators/require-scopes.decorator';
import { ScopeRegistry } from './scope-registry';

@RequireScopes('reports:read')
@Controller('reports')
class ReportsController {
  @Get()
  list(): string[] {
    return [];
  }

  @RequireScopes('reports:write')
  @Get('new')
  write(): string[] {
    return [];
  }
}

function registryOf(...controllers: Array<new () => object>): ScopeRegistry {
  const discovery = mock<DiscoveryService>();
  discovery.getControllers.mockReturnValue(controllers.map((metatype) => ({ metatype })) as never);
  const registry = new ScopeRegistry(discovery, new MetadataScanner(), new Reflector());
  registry.onModuleInit();
  return registry;
}

describe('ScopeRegistry', () => {
  const registry = registryOf(ReportsController);

  it('knows the built-in scopes and every scope a controller or handler declares', () => {
    expect([...registry.all().keys()].sort()).toEqual(['account', 'admin', 'reports:read', 'reports:write']);
  });

  it('grants every scope a role may hold when none is asked for: admin only to admins', () => {
    expect(registry.grant('user', null).sort()).toEqual(['account', 'reports:read', 'reports:write']);
    expect(registry.grant('admin', null).sort()).toEqual(['account', 'admin', 'reports:read', 'reports:write']);
    expect(() => registry.grant('user', ['admin'])).toThrow(expect.objectContaining({ code: 'INVALID_SCOPE' }) as Error);
    expect(registry.grant('admin', ['admin'])).toEqual(['admin']);
  });

  it.each([undefined, '', '   '])('reads %j as no scope asked for', (parameter) => {
    expect(registry.parse(parameter)).toBeNull();
  });

  it('reads a space-separated list (RFC 6749 §3.3)', () => {
    expect(registry.parse('reports:read  account')).toEqual(['reports:read', 'account']);
  });

  it.each(['unknown', 'account account', 'account\u0000', 'account\tadmin', 'a'.repeat(10_240)])(
    'refuses %j with INVALID_SCOPE',
    (parameter) => {
      expect(() => registry.parse(parameter)).toThrow(expect.objectContaining({ code: 'INVALID_SCOPE' }) as Error);
    },
  );

  it('refuses to start with a scope that could not travel in a scope parameter', () => {
    @Controller('bad')
    class BadController {
      @RequireScopes('two words')
      @Get()
      get(): string {
        return '';
      }
    }
    expect(() => registryOf(BadController)).toThrow(/@RequireScopes\('two words'\) on BadController/);
  });

  it('describes a scope declared with its description, wherever a bare use of it comes first', () => {
    const REPORTS_EXPORT = { scope: 'reports:export', description: 'Export reports as CSV' };
    @Controller('exports')
    class ExportsController {
      @RequireScopes('reports:export')
      @Get()
      bare(): string {
        return '';
      }

      @RequireScopes(REPORTS_EXPORT)
      @Get('described')
      described(): string {
        return '';
      }
    }
    const scopes = registryOf(ReportsController, ExportsController).all();
    expect(scopes.get('reports:export')).toBe('Export reports as CSV');
    expect(scopes.get('reports:read')).toBe('Declared by ReportsController');
  });

  it('refuses to start when one scope is described two ways, or a built-in one is described again', () => {
    @Controller('twice')
    class TwiceController {
      @RequireScopes({ scope: 'reports:share', description: 'Share reports' })
      @Get('a')
      a(): string {
        return '';
      }

      @RequireScopes({ scope: 'reports:share', description: 'Share a report' })
      @Get('b')
      b(): string {
        return '';
      }
    }
    @Controller('builtin')
    class BuiltInController {
      @RequireScopes({ scope: 'account', description: 'Mine' })
      @Get()
      get(): string {
        return '';
      }
    }
    expect(() => registryOf(TwiceController)).toThrow(/describes 'reports:share' otherwise/);
    expect(() => registryOf(BuiltInController)).toThrow(/describes the built-in scope 'account'/);
  });
});
